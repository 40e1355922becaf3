/**
 * Task queues name the kind of machine an activity needs (DESIGN.md): `cpu` (database, matching,
 * hull, and the workflows themselves), `dft` (a host that can run pw.x or reach SLURM), `gpu`
 * (generator, MLIP, training), `lab` (robots).
 */
export const TASK_QUEUES = ['cpu', 'dft', 'gpu', 'lab'] as const;
export type TaskQueue = (typeof TASK_QUEUES)[number];

/** The queue workflows run on; activities choose their own queue in the workflow code. */
export const WORKFLOW_TASK_QUEUE: TaskQueue = 'cpu';
