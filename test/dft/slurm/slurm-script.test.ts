/**
 * The pure parts of the SLURM launcher: the batch script (golden text), quoting, time limits,
 * reading sacct/scontrol output (real 22.05 output, captured on the test cluster) and the config.
 * No cluster needed.
 */
import { describe, expect, it } from 'vitest';
import { EngineSetupError } from '../../../dft/errors.js';
import { SlurmLauncher, SlurmLauncherConfig } from '../../../dft/launchers/slurm.js';
import {
  directivePath,
  formatSlurmTime,
  renderSbatchScript,
  shellCommand,
  shellQuote,
  stdoutPathFromScript,
} from '../../../dft/launchers/slurm-script.js';
import {
  parseElapsed,
  parseSacct,
  parseScontrolJob,
  slurmJobExit,
} from '../../../dft/launchers/slurm-state.js';

describe('batch script', () => {
  it('renders directives, env and an exec line', () => {
    const script = renderSbatchScript({
      jobName: 'matdisc-si',
      directory: '/scratch/si',
      stdoutFile: 'pw.out',
      stderrFile: 'pw.err',
      ntasks: 2,
      timeoutMs: 600_000,
      directives: ['--partition=debug', '--account=mat123'],
      env: { OMP_NUM_THREADS: '1', NOTE: "it's" },
      argv: ['mpirun', '-np', '2', 'pw.x', '-in', 'pw.in'],
    });
    expect(script).toBe(
      [
        '#!/bin/bash',
        '# Written by matdisc SlurmLauncher. One job per directory: attach reads --output back from here.',
        '#SBATCH --job-name=matdisc-si',
        '#SBATCH --chdir=/scratch/si',
        '#SBATCH --output=/scratch/si/pw.out',
        '#SBATCH --error=/scratch/si/pw.err',
        '#SBATCH --ntasks=2',
        '#SBATCH --time=0:10:00',
        '#SBATCH --partition=debug',
        '#SBATCH --account=mat123',
        'export OMP_NUM_THREADS=1',
        "export NOTE='it'\\''s'",
        'exec mpirun -np 2 pw.x -in pw.in',
        '',
      ].join('\n'),
    );
  });

  it('quotes paths with spaces and percent signs, and reads the stdout path back', () => {
    const script = renderSbatchScript({
      jobName: 'x',
      directory: '/tmp/a b/100%',
      stdoutFile: 'out %j.txt',
      stderrFile: '/abs/err',
      ntasks: 1,
      directives: [],
      env: {},
      argv: ['true'],
    });
    expect(script).toContain('#SBATCH --chdir="/tmp/a b/100%"\n');
    expect(script).toContain('#SBATCH --output="/tmp/a b/100%%/out %%j.txt"\n');
    expect(script).toContain('#SBATCH --error=/abs/err\n');
    expect(script).not.toContain('--time');
    expect(stdoutPathFromScript(script)).toBe('/tmp/a b/100%/out %j.txt');
    expect(stdoutPathFromScript('#!/bin/bash\necho\n')).toBeNull();
  });

  it('refuses paths an #SBATCH line cannot carry', () => {
    expect(() => directivePath('/tmp/a"b', false)).toThrow(RangeError);
    expect(() => directivePath('/tmp/a\nb', false)).toThrow(RangeError);
    expect(() => directivePath('/tmp/a\\b', true)).toThrow(RangeError);
  });

  it('quotes argv words for bash', () => {
    expect(shellQuote('pw.x')).toBe('pw.x');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$HOME `x` "y"')).toBe('\'$HOME `x` "y"\'');
    expect(shellCommand(['bash', '-c', 'echo hi; exit 3'])).toBe("bash -c 'echo hi; exit 3'");
    expect(() => shellQuote('a\0b')).toThrow(RangeError);
  });

  it('rounds time limits up to whole minutes', () => {
    expect(formatSlurmTime(1)).toBe('0:01:00');
    expect(formatSlurmTime(60_000)).toBe('0:01:00');
    expect(formatSlurmTime(90_000)).toBe('0:02:00');
    expect(formatSlurmTime(3_600_000)).toBe('1:00:00');
    expect(formatSlurmTime(2 * 86_400_000 + 61 * 60_000)).toBe('2-1:01:00');
  });
});

describe('scheduler output', () => {
  it('reads elapsed times', () => {
    expect(parseElapsed('00:00:03')).toBe(3);
    expect(parseElapsed('01:17')).toBe(77);
    expect(parseElapsed('1-02:03:04')).toBe(93_784);
    expect(parseElapsed('INVALID')).toBeNaN();
  });

  it('reads sacct: failed, cancelled, timed out', () => {
    const failed = parseSacct('1|FAILED|3:0|00:00:01\n1.batch|FAILED|3:0|00:00:01\n', '1');
    expect(failed).toEqual({ state: 'FAILED', exitCode: 3, signal: 0, batchSignal: 0, elapsedS: 1 });
    expect(slurmJobExit(failed!)).toEqual({
      exitCode: 3,
      signal: null,
      wallS: 1,
      timedOut: false,
      cancelled: false,
      slurmState: 'FAILED',
    });

    const cancelled = parseSacct('2|CANCELLED by 0|0:0|00:00:02\n2.batch|CANCELLED|0:15|00:00:02\n', '2');
    expect(slurmJobExit(cancelled!)).toMatchObject({ exitCode: null, signal: 'SIGTERM', cancelled: true });

    const timeout = parseSacct('6|TIMEOUT|0:0|00:01:17\n6.batch|CANCELLED|0:15|00:01:17\n', '6');
    expect(slurmJobExit(timeout!)).toMatchObject({
      exitCode: null,
      signal: 'SIGTERM',
      timedOut: true,
      wallS: 77,
    });

    expect(parseSacct('12|COMPLETED|0:0|00:00:01\n', '1')).toBeNull();
  });

  it('never reports exit 0 for a job that did not complete', () => {
    const nodeFail = { state: 'NODE_FAIL', exitCode: 0, signal: 0, batchSignal: 0, elapsedS: 5 };
    expect(slurmJobExit(nodeFail)).toMatchObject({ exitCode: null, signal: null, slurmState: 'NODE_FAIL' });
    const done = { state: 'COMPLETED', exitCode: 0, signal: 0, batchSignal: 0, elapsedS: 5 };
    expect(slurmJobExit(done).exitCode).toBe(0);
  });

  it('reads scontrol show job -o', () => {
    const line =
      'JobId=1 JobName=exp-a UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 RunTime=00:00:01 ' +
      'TimeLimit=00:01:00 WorkDir=/tmp/exp StdOut=/tmp/exp/a.out Power= ';
    expect(parseScontrolJob(line)).toEqual({
      state: 'FAILED',
      exitCode: 3,
      signal: 0,
      batchSignal: 0,
      elapsedS: 1,
    });
    expect(parseScontrolJob('')).toBeNull();
  });
});

describe('SlurmLauncher config and argv', () => {
  it('fills defaults and refuses unsafe values with the field named', () => {
    expect(SlurmLauncherConfig.parse({})).toMatchObject({ pollIntervalMs: 3000, jobNamePrefix: 'matdisc' });
    expect(() => SlurmLauncherConfig.parse({ partition: 'cpu;rm -rf /' })).toThrow(/partition/);
    expect(() => SlurmLauncherConfig.parse({ directives: ['--mem=1G\n#SBATCH --x'] })).toThrow(
      EngineSetupError,
    );
    expect(() => new SlurmLauncher({ pollIntervalMs: -1 } as never)).toThrow(/pollIntervalMs/);
  });

  it('asks for as many tasks as the argv runs ranks', () => {
    const launcher = new SlurmLauncher({
      parallel: { mpiexec: ['mpirun', '--bind-to', 'none'], ranksOption: '-np', slots: 4 },
    });
    expect(launcher.ntasksFor(['mpirun', '--bind-to', 'none', '-np', '4', 'pw.x', '-in', 'pw.in'])).toBe(4);
    expect(launcher.ntasksFor(['pw.x', '-in', 'pw.in'])).toBe(1);
    expect(launcher.ntasksFor(['mpirun', '-np', 'many', 'pw.x'])).toBe(1);
  });

  it('names jobs after their directory, in characters SLURM takes', () => {
    expect(new SlurmLauncher().jobName('/scratch/si attempt-1')).toBe('matdisc-si_attempt-1');
    expect(new SlurmLauncher({ jobNamePrefix: 'camp7' }).jobName('/x/mp-149')).toBe('camp7-mp-149');
  });

  it('refuses ids that are not SLURM job ids before running anything', async () => {
    const launcher = new SlurmLauncher();
    await expect(launcher.status('12; scancel -u root')).rejects.toThrow(EngineSetupError);
    await expect(launcher.attach('--help')).rejects.toThrow(EngineSetupError);
  });
});
