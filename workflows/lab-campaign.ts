/**
 * The campaign's hook into the lab: after a round's DFT, the candidates that qualify
 * (`selectForLab`) each get a `labExperiment` child on the workflow queue, whose activities run on
 * `lab`. Children are started, not awaited, with parent-close policy ABANDON: an experiment takes
 * days, outlives its round and its campaign run (continue-as-new included), and is steered on its
 * own (`matdisc lab approve|reject|cancel`). A child that already exists (the same candidate) is
 * left as it is.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { LabActivities } from '../activities/lab/lab-activities.js';
import type { LabConfig } from '../contracts/lab-config.js';
import { labExperiment, labExperimentWorkflowId } from './lab-experiment.js';

const cpu = proxyActivities<LabActivities>({
  taskQueue: 'cpu',
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5, initialInterval: '2 seconds' },
});

/** Starts the round's lab experiments; returns how many were started now. */
export async function startLabExperiments(
  campaignId: string,
  roundId: string,
  lab: LabConfig,
): Promise<number> {
  const { candidates } = await cpu.selectForLab({
    campaignId,
    roundId,
    plugin: lab.plugin,
    maxEAboveHullEvPerAtom: lab.select.maxEAboveHullEvPerAtom,
    maxPerRound: lab.select.maxPerRound,
  });
  let started = 0;
  for (const c of candidates) {
    try {
      await startChild(labExperiment, {
        workflowId: labExperimentWorkflowId(campaignId, lab.plugin, c.structureId),
        taskQueue: 'cpu',
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [{ campaignId, roundId, structureId: c.structureId, lab, selection: { ...c.selection } }],
      });
      started += 1;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return started;
}
