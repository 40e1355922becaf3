/**
 * SLURM job states and how they map onto the launcher's `JobState` and `JobExit`. Pure parsing of
 * `squeue`, `sacct` and `scontrol` text, tested on real output.
 *
 * ```ts
 * parseSacct('7|FAILED|3:0|00:00:01\n7.batch|FAILED|3:0|00:00:01\n', '7');
 * // { state: 'FAILED', exitCode: 3, signal: 0, batchSignal: 0, elapsedS: 1 }
 * slurmJobExit({ state: 'CANCELLED', exitCode: 0, signal: 0, batchSignal: 15, elapsedS: 2 });
 * // { exitCode: null, signal: 'SIGTERM', wallS: 2, timedOut: false, cancelled: true, slurmState: 'CANCELLED' }
 * ```
 */
import { constants } from 'node:os';
import type { JobExit, JobState } from '../launcher.js';

/** States in which a job waits for resources and none of its processes runs yet. */
const QUEUED = new Set([
  'PENDING',
  'CONFIGURING',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESV_DEL_HOLD',
]);
/**
 * States with processes (possibly paused or being cleaned up) on a node. COMPLETING counts: the
 * batch script has ended but SLURM is still killing what it left; `cancel` waits past it.
 */
const RUNNING = new Set([
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'STOPPED',
  'SIGNALING',
  'STAGE_OUT',
  'RESIZING',
]);

/** What one job is, per `sacct` (or `scontrol show job` while accounting lags). */
export interface SlurmRecord {
  /** First word of the state: 'CANCELLED by 0' → 'CANCELLED'. */
  readonly state: string;
  /** ExitCode before the colon: the batch script's exit status. */
  readonly exitCode: number;
  /** ExitCode after the colon: the signal that ended the batch script, 0 if none. */
  readonly signal: number;
  /** Signal of the `.batch` step, which sacct reports when the job line says 0 (CANCELLED, TIMEOUT). */
  readonly batchSignal: number;
  /** Elapsed wall time, s. */
  readonly elapsedS: number;
}

/** `JobExit` plus the scheduler's own word for how the job ended (e.g. 'NODE_FAIL'). */
export interface SlurmJobExit extends JobExit {
  /** SLURM's final state: COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, … */
  readonly slurmState: string;
}

/** 'queued' or 'running' for a live SLURM state; null for a final (or unrecognised) one. */
export function liveJobState(slurmState: string): Extract<JobState, 'queued' | 'running'> | null {
  if (QUEUED.has(slurmState)) return 'queued';
  if (RUNNING.has(slurmState)) return 'running';
  return null;
}

/** `[D-]HH:MM:SS`, `MM:SS` or `MM:SS.mmm` (sacct and scontrol) in seconds; NaN if unreadable. */
export function parseElapsed(text: string): number {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}

function parseExitCode(text: string | undefined): [number, number] {
  const match = /^(\d+):(\d+)$/.exec(text?.trim() ?? '');
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}

/**
 * Reads `sacct -n -P -j ID -o JobID,State,ExitCode,Elapsed` output: the job line (JobID = ID) and
 * its `.batch` step. Null when sacct has no line for the job.
 */
export function parseSacct(text: string, jobId: string): SlurmRecord | null {
  let job: string[] | undefined;
  let batch: string[] | undefined;
  for (const line of text.split('\n')) {
    const fields = line.split('|');
    if (fields[0] === jobId) job = fields;
    else if (fields[0] === `${jobId}.batch`) batch = fields;
  }
  if (!job) return null;
  const [exitCode, signal] = parseExitCode(job[2]);
  return {
    state: (job[1] ?? '').trim().split(/\s+/)[0] ?? '',
    exitCode,
    signal,
    batchSignal: parseExitCode(batch?.[2])[1],
    elapsedS: parseElapsed(job[3] ?? ''),
  };
}

/** Reads `scontrol show job -o ID` (one line of Key=Value pairs); null when it does not know the job. */
export function parseScontrolJob(text: string): SlurmRecord | null {
  const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(text)?.[1];
  const state = field('JobState');
  if (!state) return null;
  const [exitCode, signal] = parseExitCode(field('ExitCode'));
  return { state, exitCode, signal, batchSignal: 0, elapsedS: parseElapsed(field('RunTime') ?? '') };
}

function signalName(signal: number): string {
  const entry = Object.entries(constants.signals).find(([, number]) => number === signal);
  return entry ? entry[0] : `SIG${signal}`;
}

/**
 * How a finished job ended, in the launcher's terms. A job that did not complete (CANCELLED,
 * TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, …) never reports exit code 0: without a nonzero status or a
 * signal its `exitCode` is null, so no caller mistakes it for success.
 */
export function slurmJobExit(record: SlurmRecord): SlurmJobExit {
  const signal = record.signal || (record.state === 'COMPLETED' ? 0 : record.batchSignal);
  const exitCode = signal
    ? null
    : record.state === 'COMPLETED' || record.exitCode !== 0
      ? record.exitCode
      : null;
  return {
    exitCode,
    signal: signal ? signalName(signal) : null,
    wallS: Number.isFinite(record.elapsedS) ? record.elapsedS : 0,
    timedOut: record.state === 'TIMEOUT',
    cancelled: record.state === 'CANCELLED',
    slurmState: record.state,
  };
}
