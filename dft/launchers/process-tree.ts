/**
 * Finding and killing every process a job started (Linux, through /proc).
 *
 * Why not just `kill(-pid)`: the local launcher starts each job in a new session (`setsid`, via
 * `detached: true`), but Open MPI's `mpirun` puts every rank in a process group of its own, so a
 * group kill reaches mpirun and misses the pw.x ranks. A session survives that, so the tree is
 * "every process whose session id is the job's pid, plus every descendant of the job's pid" (a
 * descendant may have called setsid itself).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly sid: number;
  /** Single-letter state; 'Z' is a zombie (dead, waiting to be reaped). */
  readonly state: string;
}

async function readStat(pid: number): Promise<ProcStat | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp session …": comm may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '?', ppid: Number(fields[1]), sid: Number(fields[3]) };
  } catch {
    return null; // gone between readdir and readFile
  }
}

async function allProcesses(): Promise<ProcStat[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return []; // no /proc: fall back to the group kill alone
  }
  const stats = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map((n) => readStat(Number(n))));
  return stats.filter((s): s is ProcStat => s !== null);
}

/** Live (non-zombie) processes of the job rooted at `rootPid`, the root itself included. */
export async function processTree(rootPid: number): Promise<number[]> {
  const procs = (await allProcesses()).filter((p) => p.state !== 'Z');
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const tree = new Set<number>(procs.filter((p) => p.sid === rootPid || p.pid === rootPid).map((p) => p.pid));
  const stack = [rootPid];
  while (stack.length > 0) {
    for (const c of children.get(stack.pop()!) ?? []) {
      if (!tree.has(c)) stack.push(c);
      tree.add(c);
    }
  }
  return [...tree];
}

function signalAll(rootPid: number, pids: readonly number[], signal: NodeJS.Signals): void {
  for (const target of [-rootPid, ...pids]) {
    try {
      process.kill(target, signal);
    } catch {
      // ESRCH: already gone
    }
  }
}

/**
 * Sends SIGTERM to the whole tree, waits up to `graceMs` for it to go, then SIGKILLs whatever is
 * left (looking again, so processes started meanwhile are caught). Resolves when nothing of the
 * tree is alive, or after a last SIGKILL round if something refuses to die.
 */
export async function killProcessTree(rootPid: number, graceMs = 3000): Promise<void> {
  let pids = await processTree(rootPid);
  if (pids.length === 0) return;
  signalAll(rootPid, pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(50);
    pids = await processTree(rootPid);
    if (pids.length === 0) return;
  }
  for (let round = 0; round < 20; round++) {
    signalAll(rootPid, pids, 'SIGKILL');
    await sleep(50);
    pids = await processTree(rootPid);
    if (pids.length === 0) return;
  }
}

/**
 * SIGKILLs the tree at once, synchronously: for `process.on('exit')`, where nothing can be
 * awaited. Same membership rule as {@link processTree}.
 */
export function killProcessTreeSync(rootPid: number): void {
  const procs: ProcStat[] = [];
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const text = readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        procs.push({
          pid: Number(name),
          state: fields[0] ?? '?',
          ppid: Number(fields[1]),
          sid: Number(fields[3]),
        });
      } catch {
        // gone
      }
    }
  } catch {
    // no /proc: the group kill below is all we can do
  }
  const tree = new Set(procs.filter((p) => p.sid === rootPid || p.pid === rootPid).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  signalAll(rootPid, [...tree], 'SIGKILL');
}
