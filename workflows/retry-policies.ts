/**
 * Retry policies for campaign activities. A campaign must outlive infrastructure trouble: a
 * database restart, a worker host rebooting, a cluster login node away for maintenance. Retries
 * back off to one every 2 minutes, so the budgets below ride out roughly half an hour of outage
 * (cpu, dft) or a quarter of an hour (gpu, whose attempts are expensive) before the activity
 * fails. Errors that retrying cannot fix (bad input, bad config) are listed as non-retryable
 * where the activities are proxied.
 */
import type { RetryPolicy } from '@temporalio/common';

const backoff = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '2 minutes',
} as const;

/** cpu and dft activities: about 30 minutes of retries (20 attempts). */
export const outageTolerantRetry = (nonRetryableErrorTypes: string[]): RetryPolicy => ({
  ...backoff,
  maximumAttempts: 20,
  nonRetryableErrorTypes,
});

/** gpu activities (relaxation, training): about 15 minutes of retries (12 attempts). */
export const expensiveRetry = (nonRetryableErrorTypes: string[]): RetryPolicy => ({
  ...backoff,
  initialInterval: '5 seconds',
  maximumAttempts: 12,
  nonRetryableErrorTypes,
});
