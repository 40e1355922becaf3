/** Where a lab experiment stands, as stored in `lab_experiments.status` and reported by the workflow. */
export type LabExperimentStatus =
  | 'requested'
  | 'approved'
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'timed_out'
  | 'rejected';
