/**
 * `matdisc lab list|status|approve|reject|cancel|simulator`: lab experiments (`labExperiment`
 * workflows). ID is the experiment's workflow id (`<campaign>-lab-<plugin>-<structure id>`) or its
 * number in `lab_experiments`. The services are found like the campaign commands find them
 * (cli/stack/stack-endpoints.ts): TEMPORAL_ADDRESS (namespace TEMPORAL_NAMESPACE, default
 * 'default') and DATABASE_URL when set, else the running stack of the data dir (`matdisc dev`;
 * `--data-dir`, else MATDISC_DATA_DIR, else .data); with neither, the commands that need Temporal
 * say to start `matdisc dev`, and those that only read the database read the data dir's own.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { log, printResult } from '../output.js';

const DATA_DIR_FLAGS = '--data-dir <dir>';
const DATA_DIR_HELP =
  'data dir whose running stack (`matdisc dev`) to use when TEMPORAL_ADDRESS / DATABASE_URL are not set (default: MATDISC_DATA_DIR or .data)';

async function temporalClient(dataDir: string | undefined) {
  const { Client, Connection } = await import('@temporalio/client');
  const { noStackHint, resolveStackEndpoints } = await import('../stack/stack-endpoints.js');
  const ep = await resolveStackEndpoints({ dataDir });
  if (!ep.temporal)
    throw new Error(
      `no Temporal server: TEMPORAL_ADDRESS is not set and no stack is running for ${ep.dataDir}; ${noStackHint(ep.dataDir)}`,
    );
  const connection = await Connection.connect({ address: ep.temporal.address });
  return { client: new Client({ connection, namespace: ep.temporal.namespace }), connection };
}

/**
 * Runs `fn` on DATABASE_URL, else the running stack's database, else the data dir's own embedded
 * database (when it has one: PGlite, opened for the call).
 */
async function withDatabase<T>(
  dataDir: string | undefined,
  fn: (db: import('../../db/database.js').Database) => Promise<T>,
): Promise<T> {
  const { noStackHint, resolveStackEndpoints } = await import('../stack/stack-endpoints.js');
  const { withDatabase: withStackDatabase } = await import('../stack/with-database.js');
  const ep = await resolveStackEndpoints({ dataDir });
  if (!ep.database && !existsSync(join(ep.dataDir, 'pglite')))
    throw new Error(
      `no database: DATABASE_URL is not set, no stack is running for ${ep.dataDir} and it has no database of its own; ${noStackHint(ep.dataDir)}`,
    );
  return withStackDatabase((db) => fn(db), { endpoints: ep });
}

/** The workflow id of an experiment given by workflow id or by number. */
async function workflowIdOf(id: string, dataDir: string | undefined): Promise<string> {
  if (!/^\d+$/.test(id)) return id;
  const { findLabExperimentWorkflowId } = await import('../../db/lab-experiments.js');
  const wf = await withDatabase(dataDir, (db) => findLabExperimentWorkflowId(db, id));
  if (!wf) throw new Error(`lab experiment ${id} does not exist (or has no workflow)`);
  return wf;
}

async function withHandle<T>(
  id: string,
  dataDir: string | undefined,
  fn: (h: import('@temporalio/client').WorkflowHandle) => Promise<T>,
) {
  const workflowId = await workflowIdOf(id, dataDir);
  const { client, connection } = await temporalClient(dataDir);
  try {
    return await fn(client.workflow.getHandle(workflowId));
  } finally {
    await connection.close();
  }
}

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('lab experiments on robots: approve, reject, cancel, watch');

  lab
    .command('request <structureId>')
    .description('send a stored structure to a robot outside any campaign; prints the workflow id')
    .requiredOption(
      '--config <file>',
      "YAML/JSON with a campaign config's `lab` section (plugin, devices, …)",
    )
    .option('--campaign <id>', 'attach the experiment to this campaign')
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .action(
      async (
        structureId: string,
        opts: { config: string; campaign?: string; dataDir?: string; json?: boolean },
      ) => {
        const { readFile } = await import('node:fs/promises');
        const { parse } = await import('yaml');
        const { LabConfigSchema } = await import('../../contracts/lab-config.js');
        const parsed = LabConfigSchema.safeParse(parse(await readFile(opts.config, 'utf8')));
        if (!parsed.success)
          throw new Error(
            `--config ${opts.config}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`,
          );
        const { labExperiment, labExperimentWorkflowId } = await import('../../workflows/lab-experiment.js');
        const { WORKFLOW_TASK_QUEUE } = await import('../task-queues.js');
        const campaignId = opts.campaign ?? null;
        const workflowId = labExperimentWorkflowId(campaignId, parsed.data.plugin, structureId);
        const { client, connection } = await temporalClient(opts.dataDir);
        try {
          await client.workflow.start(labExperiment, {
            taskQueue: WORKFLOW_TASK_QUEUE,
            workflowId,
            args: [
              { campaignId, roundId: null, structureId, lab: parsed.data, selection: { basis: 'operator' } },
            ],
          });
        } finally {
          await connection.close();
        }
        log(`started ${workflowId}`);
        printResult(Boolean(opts.json), { workflowId }, () => workflowId);
      },
    );

  lab
    .command('list')
    .description(
      "lab experiments and their status (DATABASE_URL, the running stack's or the data dir's database)",
    )
    .option('--campaign <id>', 'only this campaign')
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: { campaign?: string; dataDir?: string; json?: boolean }) => {
      const { listLabExperiments } = await import('../../db/lab-experiments.js');
      const rows = await withDatabase(opts.dataDir, (db) => listLabExperiments(db, opts.campaign ?? null));
      printResult(Boolean(opts.json), rows, () =>
        rows.length === 0
          ? 'no lab experiments'
          : rows
              .map(
                (r) =>
                  `${r.id}\t${r.status}\t${r.reduced_formula}\t${r.plugin}${r.device ? `@${r.device}` : ''}\tjobs ${r.jobs}\t${r.workflow_id}${r.failure_reason ? `\t${r.failure_reason}` : ''}`,
              )
              .join('\n'),
      );
    });

  lab
    .command('status <id>')
    .description("an experiment's stage, decision, device and outcome")
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { dataDir?: string; json?: boolean }) => {
      const { labExperimentStatusQuery } = await import('../../workflows/lab-messages.js');
      const s = await withHandle(id, opts.dataDir, (h) => h.query(labExperimentStatusQuery));
      printResult(
        Boolean(opts.json),
        s,
        () =>
          `experiment ${s.experimentId}: ${s.stage}${s.status ? ` (${s.status}${s.reason ? `: ${s.reason}` : ''})` : ''}; ` +
          `decision ${s.decision ?? 'pending'}; device ${s.device ?? '-'}`,
      );
    });

  for (const [verb, help] of [
    ['approve', 'approve committing the sample to the robot'],
    ['reject', 'reject the experiment; it ends `rejected`'],
  ] as const)
    lab
      .command(`${verb} <id>`)
      .description(help)
      .option('--by <name>', 'who decides (default: your login name)')
      .option('--note <text>', 'a note stored with the decision')
      .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
      .action(async (id: string, opts: { by?: string; note?: string; dataDir?: string }) => {
        const { approveSignal, rejectSignal } = await import('../../workflows/lab-messages.js');
        const by = opts.by ?? userInfo().username;
        await withHandle(id, opts.dataDir, (h) =>
          h.signal(verb === 'approve' ? approveSignal : rejectSignal, { by, note: opts.note }),
        );
        log(`${verb === 'approve' ? 'approved' : 'rejected'} ${id} as ${by}`);
      });

  lab
    .command('cancel <id>')
    .description("cancel an experiment: the robot's job is cancelled and the device freed")
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .action(async (id: string, opts: { dataDir?: string }) => {
      await withHandle(id, opts.dataDir, (h) => h.cancel());
      log(`cancellation requested for ${id}`);
    });

  lab
    .command('simulator')
    .description('run the example robot simulator (lab/examples/http-robot)')
    .option('--port <port>', 'port', '8787')
    .option('--duration-ms <ms>', 'run time of a job', '5000')
    .option('--failure-rate <p>', 'probability a job fails (retryable)', '0')
    .action(async (opts: { port: string; durationMs: string; failureRate: string }) => {
      const { RobotSimulator } = await import('../../lab/examples/http-robot/simulator.js');
      const sim = await RobotSimulator.start({
        port: Number(opts.port),
        durationMs: Number(opts.durationMs),
        failureRate: Number(opts.failureRate),
        log: (line) => log(`${new Date().toISOString()} ${line}`),
      });
      log(`robot simulator on ${sim.url}; Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.close();
    });
}
