/**
 * Judges a finished VASP attempt from the launcher's exit and the files, in this order:
 *
 * 0. mpirun could not start the executable → throws `EngineSetupError` (fix the host);
 * 1. killed by the wall-time limit → 'timeout'; ended by a signal or a cancel → 'killed';
 * 2. stdout names an input error (vasp-errors.ts) and VASP did not finish → 'input_error';
 * 3. no ionic step could be read, a non-zero exit, or no timing footer in OUTCAR → 'crashed',
 *    with any known VASP error message in the reason;
 * 4. the last ionic step did not reach EDIFF → 'scf_not_converged';
 * 5. a relaxation without "reached required accuracy" → 'ionic_not_converged';
 * 6. otherwise 'converged'.
 *
 * VASP exits 0 both when a relaxation runs out of NSW steps and when an electronic loop runs out
 * of NELM steps, so the exit code alone never means success (DftResult.jobDone likewise).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Assessment, DftResult } from '../engine.js';
import { EngineSetupError, OutputParseError } from '../errors.js';
import type { JobExit } from '../launcher.js';
import { findVaspErrors } from './vasp-errors.js';
import type { VaspParams } from './vasp-params.js';

/** The last `bytes` of a file, or '' when it does not exist. */
async function tail(file: string, bytes = 64 * 1024): Promise<string> {
  const text = await readFile(file, 'latin1').catch(() => '');
  return text.length > bytes ? text.slice(-bytes) : text;
}

/** Last non-empty lines of `text`, joined for a reason string. */
function lastLines(text: string, n = 3): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');
}

export async function assessVaspAttempt(
  dir: string,
  exit: JobExit,
  params: VaspParams,
  files: { readonly stdoutFile: string; readonly stderrFile: string },
  parse: (dir: string) => Promise<DftResult>,
): Promise<Assessment> {
  let result: DftResult | null = null;
  let parseError: OutputParseError | null = null;
  try {
    result = await parse(dir);
  } catch (err) {
    if (!(err instanceof OutputParseError)) throw err;
    parseError = err;
  }
  const stdout = await tail(join(dir, files.stdoutFile));
  const stderr = await tail(join(dir, files.stderrFile));
  const known = findVaspErrors(`${stdout}\n${stderr}`);
  const knownText = known.map((e) => `${e.messages[0]} (${e.advice})`).join('; ');
  const progress = result
    ? ` after ${result.scfCycles} ionic step(s), last energy ${result.energyEv} eV`
    : ', before the first ionic step';

  if (/unable to find the specified executable|execvp error/i.test(stderr)) {
    throw new EngineSetupError(`VASP could not be started: ${lastLines(stderr)}`, { engine: 'vasp' });
  }
  if (exit.timedOut)
    return {
      outcome: 'timeout',
      reason: `VASP was stopped at the wall-time limit (${exit.wallS.toFixed(0)} s)${progress}`,
      result,
    };
  if (exit.cancelled || exit.signal !== null) {
    return {
      outcome: 'killed',
      reason: `VASP was ended by ${exit.cancelled ? 'cancellation' : exit.signal}${progress}`,
      result,
    };
  }
  const input = known.find((e) => e.kind === 'input');
  if (input && !result?.jobDone) {
    return { outcome: 'input_error', reason: `VASP rejected its input: ${knownText}`, result };
  }
  const crashDetail = knownText || lastLines(stderr) || lastLines(stdout) || 'no output';
  if (!result) {
    return {
      outcome: 'crashed',
      reason: `VASP exited with code ${exit.exitCode} and no readable ionic step (${parseError?.message}); ${crashDetail}`,
      result,
    };
  }
  if (exit.exitCode !== 0)
    return {
      outcome: 'crashed',
      reason: `VASP exited with code ${exit.exitCode}${progress}: ${crashDetail}`,
      result,
    };
  if (!result.jobDone)
    return {
      outcome: 'crashed',
      reason: `OUTCAR has no timing footer: VASP stopped early${progress}; ${crashDetail}`,
      result,
    };
  if (!result.scfConverged) {
    return {
      outcome: 'scf_not_converged',
      reason: `the electronic loop of ionic step ${result.scfCycles} stopped at NELM = ${params.nelm} without reaching EDIFF (ALGO ${params.algo})`,
      result,
    };
  }
  if (result.ionicConverged === false) {
    return {
      outcome: 'ionic_not_converged',
      reason: `the ${params.calculation} used ${result.scfCycles} ionic steps (NSW = ${params.nsw}) without reaching forces below ${params.ediffgEvPerA} eV/Å`,
      result,
    };
  }
  const what = result.ionicConverged
    ? `relaxed in ${result.scfCycles} ionic steps`
    : `converged in ${result.scfIterations} electronic steps`;
  return { outcome: 'converged', reason: `${what}; free energy ${result.energyEv} eV`, result };
}
