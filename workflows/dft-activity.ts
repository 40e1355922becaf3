/**
 * The DFT activity as the DFT child workflows call it (candidates and elemental references).
 * The activity heartbeats every 10 s (also while a SLURM job is queued): a dead worker is noticed
 * after a minute and the calculation retried on another, re-attaching to its job. Bad input and a
 * broken engine setup are not retried; infrastructure trouble is (retry-policies.ts).
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { DftActivities } from '../activities/dft/dft-activities.js';
import { outageTolerantRetry } from './retry-policies.js';

export const dftActivity = proxyActivities<DftActivities>({
  taskQueue: 'dft',
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '1 minute',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: outageTolerantRetry(['EngineInputError', 'EngineSetupError']),
});
