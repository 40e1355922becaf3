import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSetupError } from '../../dft/errors.js';
import { runJob, type Launcher } from '../../dft/launcher.js';
import { LocalLauncher } from '../../dft/launchers/local.js';
import { processTree } from '../../dft/launchers/process-tree.js';
import { repoRoot } from './helpers.js';

const launcher = new LocalLauncher({ killGraceMs: 500 });
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-launcher-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const spec = (script: string, timeoutMs?: number) => ({
  argv: ['bash', '-c', script],
  directory: dir,
  stdoutFile: 'out.txt',
  stderrFile: 'err.txt',
  ...(timeoutMs !== undefined ? { timeoutMs } : {}),
});
const pidOf = (jobId: string) => Number(jobId.split('-')[1]);

describe('LocalLauncher', () => {
  it('writes stdout and stderr to files, streams stdout, reports the exit code', async () => {
    const chunks: string[] = [];
    const { exit } = await runJob(launcher, spec('echo one; echo two >&2; echo three; exit 3'), {
      onOutput: (c) => chunks.push(c),
    });
    expect(exit).toMatchObject({ exitCode: 3, signal: null, timedOut: false, cancelled: false });
    expect(chunks.join('')).toBe('one\nthree\n');
    expect(await readFile(join(dir, 'out.txt'), 'utf8')).toBe('one\nthree\n');
    expect(await readFile(join(dir, 'err.txt'), 'utf8')).toBe('two\n');
  });

  it('kills the whole tree on timeout, even a child that ignores SIGTERM in its own process group', async () => {
    // `set -m` gives the background job a process group of its own, as mpirun does for its ranks.
    const jobId = await launcher.submit(spec('set -m; bash -c \'trap "" TERM; sleep 60\' & sleep 60', 400));
    await new Promise((r) => setTimeout(r, 200));
    expect((await processTree(pidOf(jobId))).length).toBeGreaterThanOrEqual(3);
    const exit = await launcher.attach(jobId);
    expect(exit.timedOut).toBe(true);
    expect(exit.wallS).toBeLessThan(10);
    expect(await processTree(pidOf(jobId))).toEqual([]);
    expect(await launcher.status(jobId)).toMatchObject({ state: 'finished', exit: { timedOut: true } });
  });

  it('cancels through an AbortSignal: kills the tree, then throws the reason', async () => {
    const ids: string[] = [];
    const recording: Launcher = {
      kind: launcher.kind,
      parallel: launcher.parallel,
      submit: async (job) => {
        const id = await launcher.submit(job);
        ids.push(id);
        return id;
      },
      status: (id) => launcher.status(id),
      cancel: (id) => launcher.cancel(id),
      attach: (id, options) => launcher.attach(id, options),
    };
    const controller = new AbortController();
    const run = runJob(recording, spec('echo started; sleep 60 & sleep 60'), {
      signal: controller.signal,
      onOutput: () => controller.abort(new Error('stop now')),
    });
    await expect(run).rejects.toThrow('stop now');
    expect(await processTree(pidOf(ids[0]!))).toEqual([]);
    expect(await launcher.status(ids[0]!)).toMatchObject({ state: 'finished', exit: { cancelled: true } });
  });

  it('kills running jobs when the worker process exits', { timeout: 60_000 }, async () => {
    const module = join(repoRoot, 'dft/launchers/local.ts');
    const script = join(dir, 'worker.mts');
    await writeFile(
      script,
      [
        `import { LocalLauncher } from ${JSON.stringify(module)};`,
        `const id = await new LocalLauncher().submit({ argv: ['bash', '-c', 'set -m; sleep 60 & sleep 60'], directory: ${JSON.stringify(dir)}, stdoutFile: 'w.out', stderrFile: 'w.err' });`,
        `console.log(id);`,
        `setTimeout(() => process.exit(0), 300);`,
      ].join('\n'),
    );
    const { stdout } = await execa(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot });
    // The exit handler signals the tree; the kernel reaps it a moment later on a loaded machine.
    let left = await processTree(pidOf(stdout.trim()));
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      left = await processTree(pidOf(stdout.trim()));
    }
    expect(left).toEqual([]);
  });

  it('is a setup error when the program does not exist', async () => {
    await expect(launcher.submit({ ...spec(''), argv: ['no-such-program-xyz'] })).rejects.toBeInstanceOf(
      EngineSetupError,
    );
  });
});
