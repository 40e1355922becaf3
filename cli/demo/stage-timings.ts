/**
 * Wall time of a campaign run by stage, read back from its Temporal history: generation
 * (`generateCandidates`), MLIP (`relaxAndScore`), DFT (the `dftCandidate` children), training
 * (`retrainMlip`); orchestration is the rest of the run's wall time (database steps — dedup,
 * hull, selection, summaries — task queueing and workflow tasks). A stage's time is the union of
 * its intervals, so two DFT children running side by side count once.
 *
 * ```ts
 * stageTimings((await handle.fetchHistory()).events ?? [])
 * // { total_s: 95.2, stages_s: { generation: 0.4, mlip: 21.0, dft: 48.3, training: 20.1, orchestration: 5.4 }, share: {…} }
 * ```
 */
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { temporal } from '@temporalio/proto';

export const STAGES = ['generation', 'mlip', 'dft', 'training', 'orchestration'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageTimings {
  /** Workflow start to close, s. */
  readonly total_s: number;
  readonly stages_s: Readonly<Record<Stage, number>>;
  /** stages_s / total_s. */
  readonly share: Readonly<Record<Stage, number>>;
}

const ACTIVITY_STAGE: Readonly<Record<string, Stage>> = {
  generateCandidates: 'generation',
  relaxAndScore: 'mlip',
  retrainMlip: 'training',
};

type Event = temporal.api.history.v1.IHistoryEvent;

/** Sum of the lengths of the union of [start, end] intervals, ms. */
function unionMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [s, e] = [Number.NaN, Number.NaN];
  for (const [a, b] of sorted) {
    if (Number.isNaN(s) || a > e) {
      if (!Number.isNaN(s)) total += e - s;
      [s, e] = [a, b];
    } else e = Math.max(e, b);
  }
  return Number.isNaN(s) ? total : total + e - s;
}

export function stageTimings(events: readonly Event[]): StageTimings {
  const time = new Map<string, number>();
  const activityType = new Map<string, string>();
  const intervals: Record<Stage, [number, number][]> = {
    generation: [],
    mlip: [],
    dft: [],
    training: [],
    orchestration: [],
  };
  let start = Number.NaN;
  let end = Number.NaN;
  for (const e of events) {
    const id = String(e.eventId);
    const t = tsToMs(e.eventTime);
    time.set(id, t);
    if (e.workflowExecutionStartedEventAttributes) start = t;
    if (
      e.workflowExecutionCompletedEventAttributes ||
      e.workflowExecutionFailedEventAttributes ||
      e.workflowExecutionCanceledEventAttributes ||
      e.workflowExecutionContinuedAsNewEventAttributes ||
      e.workflowExecutionTerminatedEventAttributes
    )
      end = t;
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) activityType.set(id, scheduled.activityType?.name ?? '');
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (closed) {
      const stage = ACTIVITY_STAGE[activityType.get(String(closed.scheduledEventId)) ?? ''];
      const startedId = 'startedEventId' in closed ? String(closed.startedEventId) : '';
      const from = time.get(startedId) ?? time.get(String(closed.scheduledEventId));
      if (stage && from !== undefined) intervals[stage].push([from, t]);
    }
    const child =
      e.childWorkflowExecutionCompletedEventAttributes ??
      e.childWorkflowExecutionFailedEventAttributes ??
      e.childWorkflowExecutionCanceledEventAttributes ??
      e.childWorkflowExecutionTimedOutEventAttributes ??
      e.childWorkflowExecutionTerminatedEventAttributes;
    if (child) {
      const from = time.get(String(child.initiatedEventId));
      if (from !== undefined) intervals.dft.push([from, t]);
    }
  }
  const total = Number.isNaN(end) || Number.isNaN(start) ? 0 : end - start;
  const ms = {} as Record<Stage, number>;
  for (const s of STAGES) ms[s] = s === 'orchestration' ? 0 : unionMs(intervals[s]);
  ms.orchestration = Math.max(0, total - ms.generation - ms.mlip - ms.dft - ms.training);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const stages_s = Object.fromEntries(STAGES.map((s) => [s, round(ms[s] / 1000)])) as Record<Stage, number>;
  const share = Object.fromEntries(STAGES.map((s) => [s, total > 0 ? round(ms[s] / total) : 0])) as Record<
    Stage,
    number
  >;
  return { total_s: round(total / 1000), stages_s, share };
}
