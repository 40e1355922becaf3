/**
 * runCalculation with real pw.x: handler recovery, a killed run retried, cancellation, bad input.
 */
import { access, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineInputError } from '../../dft/errors.js';
import { LocalLauncher } from '../../dft/launchers/local.js';
import { QeProfile } from '../../dft/qe/profiles.js';
import { QeTemplate } from '../../dft/qe/qe-template.js';
import { runCalculation, type DftProgress } from '../../dft/run-calculation.js';
import { magnesiumOxide, pseudoDir, pwProcessesUnder, siliconDiamond } from './helpers.js';

const qe = new QeTemplate({ pseudoDir });
const launcher = new LocalLauncher();
const si = siliconDiamond(5.43);
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'run-calculation-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('runCalculation with pw.x', () => {
  it(
    'recovers an SCF that cannot converge in 2 steps through the handler, and records the change',
    { timeout: 180_000 },
    async () => {
      const outcome = await runCalculation({
        structure: si,
        engine: qe,
        profile: QeProfile.named('test', { electronMaxstep: 2 }),
        launcher,
        workRoot: join(root, 'scf-recovery'),
      });
      expect(outcome.status, outcome.reason).toBe('converged');
      expect(outcome.attempts.map((a) => a.outcome)).toEqual(['scf_not_converged', 'converged']);
      expect(outcome.attempts[0]).toMatchObject({
        change: null,
        exitCode: 2,
        params: { mixingBeta: 0.7, electronMaxstep: 2 },
      });
      expect(outcome.attempts[1]!.change).toMatchObject({
        handler: 'handleScfNotConverged',
        parameters: [
          { name: 'mixingBeta', from: 0.7, to: 0.35 },
          { name: 'electronMaxstep', from: 2, to: 102 },
        ],
      });
      expect(outcome.attempts[1]!.params).toMatchObject({ mixingBeta: 0.35, electronMaxstep: 102 });
      expect(outcome.workDirs).toEqual([
        join(root, 'scf-recovery', 'attempt-0'),
        join(root, 'scf-recovery', 'attempt-1'),
      ]);
      expect(await exists(join(outcome.workDirs[0]!, 'pw.out'))).toBe(true);
      expect(await exists(join(outcome.workDirs[1]!, 'out'))).toBe(false); // scratch removed
    },
  );

  it('returns a failed outcome (does not throw) when attempts run out', { timeout: 120_000 }, async () => {
    const outcome = await runCalculation({
      structure: si,
      engine: qe,
      profile: QeProfile.named('test', { electronMaxstep: 2 }),
      launcher,
      workRoot: join(root, 'scf-give-up'),
      maxAttempts: 1,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/gave up after 1 attempt\(s\): SCF not converged in 2 iterations/);
    expect(outcome.result?.scfConverged).toBe(false);
    expect(outcome.result?.jobDone).toBe(true);
  });

  it(
    'retries a pw.x killed after its first SCF iteration; no pw.x survives',
    { timeout: 180_000 },
    async () => {
      const workRoot = join(root, 'killed');
      const killed: number[] = [];
      const outcome = await runCalculation({
        structure: si,
        engine: qe,
        profile: QeProfile.named('test', { mpiRanks: 2 }), // mpirun + 2 ranks: a real process tree
        launcher,
        workRoot,
        onProgress: (p: DftProgress) => {
          if (p.attempt !== 0 || p.scfIteration < 1 || killed.length > 0) return;
          void pwProcessesUnder(p.directory).then((pids) => {
            killed.push(...pids);
            for (const pid of pids) process.kill(pid, 'SIGKILL'); // as the OOM killer would
          });
        },
      });
      expect(killed.length).toBeGreaterThan(0);
      expect(outcome.status, outcome.reason).toBe('converged');
      expect(['killed', 'crashed']).toContain(outcome.attempts[0]!.outcome);
      expect(outcome.attempts[1]!.change).toMatchObject({ handler: 'handleCrashOrKill', parameters: [] });
      console.log(`killed attempt: ${outcome.attempts[0]!.outcome}: ${outcome.attempts[0]!.reason}`);
      expect(await pwProcessesUnder(workRoot)).toEqual([]);
    },
  );

  it(
    'cancellation kills mpirun and every pw.x rank, then rethrows the reason',
    { timeout: 120_000 },
    async () => {
      const workRoot = join(root, 'cancelled');
      const controller = new AbortController();
      const run = runCalculation({
        structure: si,
        engine: qe,
        profile: QeProfile.named('test', { mpiRanks: 2 }),
        launcher,
        workRoot,
        signal: controller.signal,
        onProgress: () => controller.abort(new Error('activity cancelled')),
      });
      await expect(run).rejects.toThrow('activity cancelled');
      expect(await pwProcessesUnder(workRoot)).toEqual([]);
    },
  );

  it('does not retry a timeout', { timeout: 120_000 }, async () => {
    const outcome = await runCalculation({
      structure: si,
      engine: qe,
      profile: QeProfile.named('test'),
      launcher,
      workRoot: join(root, 'timeout'),
      timeoutMs: 300,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.attempts.map((a) => a.outcome)).toEqual(['timeout']);
    expect(outcome.reason).toMatch(/wall-time limit/);
  });

  it(
    'resumed after its last attempt was stored (a worker killed before the outcome): the result is read back, nothing runs again',
    { timeout: 120_000 },
    async () => {
      const input = {
        structure: si,
        engine: qe,
        profile: QeProfile.named('test'),
        launcher,
        workRoot: join(root, 'resume-after-attempt'),
      };
      const first = await runCalculation(input);
      expect(first.status, first.reason).toBe('converged');
      const resumed = await runCalculation({ ...input, resume: { history: first.attempts } });
      expect(resumed.status).toBe('converged');
      expect(resumed.attempts).toEqual(first.attempts);
      expect(resumed.result?.energyEv).toBe(first.result!.energyEv); // before the fix: undefined
    },
  );
});

describe('runCalculation with bad input', () => {
  let onlySi: string;
  beforeAll(async () => {
    onlySi = await mkdtemp(join(tmpdir(), 'pseudo-si-'));
    await copyFile(
      join(pseudoDir, 'Si.pbe-n-rrkjus_psl.1.0.0.UPF'),
      join(onlySi, 'Si.pbe-n-rrkjus_psl.1.0.0.UPF'),
    );
    await copyFile(
      join(pseudoDir, 'SSSP_1.3.0_PBE_efficiency.json'),
      join(onlySi, 'SSSP_1.3.0_PBE_efficiency.json'),
    );
  });
  afterAll(async () => {
    await rm(onlySi, { recursive: true, force: true });
  });

  it('throws EngineInputError naming an element without a pseudopotential, before starting pw.x', async () => {
    const workRoot = join(root, 'missing-pseudo');
    const err = await runCalculation({
      structure: magnesiumOxide(4.21),
      engine: new QeTemplate({ pseudoDir: onlySi }),
      profile: QeProfile.named('test'),
      launcher,
      workRoot,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineInputError);
    expect(err).toMatchObject({ element: 'Mg', pseudoDir: onlySi });
    expect((err as Error).message).toMatch(/Mg.*PSEUDO_DIR/);
    expect(await exists(join(workRoot, 'attempt-0', 'pw.out'))).toBe(false);
  });

  it(
    'throws EngineInputError, without retrying, when pw.x rejects a pseudopotential file',
    { timeout: 60_000 },
    async () => {
      const broken = await mkdtemp(join(tmpdir(), 'pseudo-broken-'));
      await copyFile(
        join(pseudoDir, 'SSSP_1.3.0_PBE_efficiency.json'),
        join(broken, 'SSSP_1.3.0_PBE_efficiency.json'),
      );
      await writeFile(join(broken, 'Si.pbe-n-rrkjus_psl.1.0.0.UPF'), '');
      const workRoot = join(root, 'broken-pseudo');
      const err = await runCalculation({
        structure: si,
        engine: new QeTemplate({ pseudoDir: broken }),
        profile: QeProfile.named('test'),
        launcher,
        workRoot,
      }).catch((e: unknown) => e);
      await rm(broken, { recursive: true, force: true });
      expect(err).toBeInstanceOf(EngineInputError);
      expect((err as Error).message).toMatch(/rejected its input .*readpp.*not readable/);
      expect(await exists(join(workRoot, 'attempt-1'))).toBe(false);
    },
  );
});
