/**
 * `matdisc dft` stopped by a signal: pw.x runs in a session of its own (so the launcher can kill
 * it as a tree), so a SIGTERM or SIGINT to the CLI never reaches it. The CLI must kill the whole
 * tree of its run and exit 128+signal, leaving no pw.x behind (it used to be re-parented to PID 1
 * and compute on until its next write to the dead pipe: an SCF iteration later, minutes on a big
 * cell). The signal comes right after the first SCF iteration, so an orphan would live on for the
 * next one (about 10 s here); the check allows 2 s.
 */
import { execa } from 'execa';
import { readlinkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siliconPrimitive } from '../fixtures/silicon.js';
import { writePoscar } from '../../crystal/io/poscar.js';
import { supercell } from '../../crystal/supercell.js';

const ROOT = resolve(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** pw.x processes (pgrep) working inside `dir`: the ones of that run. */
async function pwxIn(dir: string): Promise<number[]> {
  const { stdout } = await execa('pgrep', ['-x', 'pw.x'], { reject: false });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
      } catch {
        return false; // gone meanwhile
      }
    });
}

describe('matdisc dft and signals', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-dft-signals-'));
    file = join(dir, 'si16.vasp');
    // 16 atoms: about a minute and a half of pw.x (test profile), so it certainly runs when signalled.
    writeFileSync(file, writePoscar(supercell(siliconPrimitive(), [2, 2, 2])));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s kills the whole DFT process tree and exits %i',
    async (signal, code) => {
      const workDir = join(dir, signal);
      const cli = execa(
        process.execPath,
        [
          join(ROOT, 'bin/matdisc.js'),
          'dft',
          file,
          '--engine',
          'qe',
          '--profile',
          'test',
          '--work-dir',
          workDir,
          // plain progress lines on stderr: the test waits for pw.x's first SCF iteration in them
          '--progress',
        ],
        { cwd: ROOT, reject: false },
      );
      let stderr = '';
      cli.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let running: number[] = [];
      for (let i = 0; i < 480 && (running.length === 0 || !/SCF iteration \d+/.test(stderr)); i++) {
        await sleep(250);
        running = await pwxIn(workDir);
      }
      expect(running.length, 'pw.x never started').toBeGreaterThan(0);
      cli.kill(signal);
      const result = await cli;
      // Nothing of the run survives: the launcher waited for the tree before the CLI exited.
      for (let i = 0; i < 8 && (await pwxIn(workDir)).length > 0; i++) await sleep(250);
      expect(await pwxIn(workDir)).toEqual([]);
      for (const pid of running) expect(() => process.kill(pid, 0)).toThrow();
      expect(result.exitCode).toBe(code);
      expect(result.stderr).toMatch(new RegExp(`interrupted by ${signal}; the DFT processes were killed`));
    },
    120_000,
  );
});
