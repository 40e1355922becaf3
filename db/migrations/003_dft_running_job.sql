-- The job a DFT activity is waiting for (attempt, scheduler job id, directory, parameters), written
-- synchronously right after submission: a retried activity after a worker crash re-attaches to
-- it instead of submitting the same calculation again.
ALTER TABLE dft_calculations ADD COLUMN running_job jsonb;
