/**
 * `matdisc campaign validate|start|status|list|pause|resume|stop`: discovery campaigns on Temporal
 * (`validate` needs no server).
 *
 * Every other subcommand finds its services the same way (cli/stack/stack-endpoints.ts):
 * TEMPORAL_ADDRESS (namespace TEMPORAL_NAMESPACE, default 'default') and DATABASE_URL when set,
 * else the running stack of the data dir (`matdisc dev`, or a `demo` or foreground `campaign start`
 * on it; `--data-dir`, else MATDISC_DATA_DIR, else .data). With neither:
 * - `start` runs the data dir's embedded stack here, in the foreground, until the campaign ends
 *   (`--detach` refuses instead, naming the fix);
 * - `list` and `status` read the data dir's database (status from the campaigns and rounds tables:
 *   the workflow's live state is answered by its workers, which only a running stack has);
 * - `pause`, `resume` and `stop` start the data dir's Temporal server just long enough to record
 *   the signal, which the campaign acts on when its workers next run.
 */
import type { Command } from 'commander';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CampaignConfig } from '../../contracts/campaign-config.js';
import type { CampaignStateSummary } from '../../workflows/campaign-messages.js';
import {
  dataDirFlag,
  describeHolder,
  noStackHint,
  resolveStackEndpoints,
  type StackEndpoints,
} from '../stack/stack-endpoints.js';
import { pseudoDir } from '../paths.js';
import { log, printError, printResult } from '../output.js';
import { campaignPosition, roundLines, roundStage } from '../round-lines.js';
import { positiveNumber } from '../option-parsers.js';

const DATA_DIR_FLAGS = '--data-dir <dir>';
const DATA_DIR_HELP =
  'data dir whose stack (or, with none running, whose files) to use (default: MATDISC_DATA_DIR or .data)';

function stackEndpoints(dataDir: string | undefined): Promise<StackEndpoints> {
  return resolveStackEndpoints({ dataDir });
}

async function connectTemporal(target: { address: string; namespace: string }) {
  const { Client, Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: target.address });
  return { client: new Client({ connection, namespace: target.namespace }), connection };
}

/** Says on stderr which running stack a command goes through (nothing for the environment's). */
function logStack(ep: StackEndpoints, what: string): void {
  if (!ep.stack) return;
  log(`${what} through ${describeHolder(ep.stack)}, the running stack of ${ep.dataDir}`);
}

/**
 * Every check `campaign start` makes before it talks to Temporal: the file's size, the schema,
 * and the resources (models, element vocabularies, pseudopotentials, DFT references, VASP). Throws
 * `CampaignConfigError` listing each bad field with its fix.
 */
async function validateCampaignFile(file: string) {
  const { checkConfigFileSize } = await import('../../contracts/campaign-config.js');
  const { loadCampaignConfig } = await import('../../campaign/campaign-resources.js');
  checkConfigFileSize((await stat(file)).size, file);
  return loadCampaignConfig(await readFile(file, 'utf8'), { pseudoDir: pseudoDir() });
}

/** The validated id, or `<name>-<timestamp>`. */
async function campaignIdFor(config: CampaignConfig, id: string | undefined): Promise<string> {
  const { validateCampaignId } = await import('../../contracts/campaign-config.js');
  if (id !== undefined) {
    validateCampaignId(id, '--id');
    return id;
  }
  return `campaign-${config.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`.toLowerCase();
}

/**
 * Starts the workflow. A campaign id is used once: Temporal refuses a second run under the id of
 * a finished campaign, whose rows and summary would otherwise mix with the new run's.
 */
async function startWorkflow(client: Client, campaignId: string, config: CampaignConfig) {
  const { discoveryCampaign } = await import('../../workflows/campaign.js');
  const { WORKFLOW_TASK_QUEUE } = await import('../task-queues.js');
  const { WorkflowExecutionAlreadyStartedError } = await import('@temporalio/client');
  try {
    return await client.workflow.start(discoveryCampaign, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: campaignId,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ campaignId, config }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const status = await client.workflow
      .getHandle(campaignId)
      .describe()
      .then((d) => d.status.name.toLowerCase())
      .catch(() => 'known');
    throw new Error(
      `--id: campaign ${campaignId} already exists (${status}); an id is used once, so its rounds and summary stay its own: choose a new id, e.g. --id ${campaignId}-2`,
      { cause: err },
    );
  }
}

/** Resolves on the first SIGINT or SIGTERM; `dispose` removes the handlers. */
function interruption(): { interrupted: Promise<void>; fired: () => boolean; dispose: () => void } {
  let fire: () => void = () => undefined;
  let fired = false;
  const interrupted = new Promise<void>((resolve) => (fire = resolve));
  const handler = () => {
    fired = true;
    fire();
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    interrupted,
    fired: () => fired,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/**
 * `campaign start` with no running stack: the data dir's embedded stack (Temporal dev server,
 * PGlite, workers) in this process until the campaign ends, logging its stages on stderr, then
 * the result and the round lines. While it runs, the stack is advertised in stack.json, so
 * `campaign status|pause|stop` from another terminal reach it. Ctrl-C stops the stack; the
 * campaign stays in the data dir's Temporal state and resumes with the next stack.
 */
async function runInForeground(
  file: string,
  config: CampaignConfig,
  campaignId: string,
  dataDir: string,
  json: boolean,
  referenceFiles: readonly string[],
): Promise<void> {
  const { startEmbeddedStack } = await import('../stack/embedded-stack.js');
  const { listRoundSummaries } = await import('../../db/rounds.js');
  const { campaignStatusQuery } = await import('../../workflows/campaign-messages.js');
  log(
    `no running stack for ${dataDir}: starting its embedded stack here (Temporal dev server, PGlite, workers); ` +
      `the campaign runs in the foreground until it ends (Ctrl-C stops the stack, and the campaign resumes with \`matdisc dev${dataDirFlag(dataDir)}\`)`,
  );
  const started = Date.now();
  const signals = interruption();
  const stack = await startEmbeddedStack({
    dataDir,
    pseudoDir: pseudoDir(),
    holder: 'matdisc campaign start',
  });
  try {
    if (signals.fired()) {
      log(`interrupted before ${campaignId} started: stopping the stack`);
      process.exitCode = 130;
      return;
    }
    await checkReferencePhases(stack.db, config, referenceFiles);
    const { client, connection } = await connectTemporal({
      address: stack.temporalAddress,
      namespace: stack.namespace,
    });
    let result: CampaignStateSummary | 'interrupted';
    try {
      const handle = await startWorkflow(client, campaignId, config);
      log(
        `started ${campaignId} from ${basename(file)} (stack up in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
      // Every call on this connection is aborted before it closes: a long poll left running would
      // retry on the closed channel and throw from a timer.
      const abort = new AbortController();
      const call = <T>(fn: () => Promise<T>) => connection.withAbortSignal(abort.signal, fn);
      const outcome = call(() => handle.result());
      outcome.catch(() => undefined); // also awaited below, unless interrupted first
      let last = '';
      let polling: Promise<void> | undefined;
      const progress = setInterval(() => {
        polling ??= call(() => handle.query(campaignStatusQuery))
          .then((s) => {
            const now = `${campaignPosition(s)}${s.paused ? ' (paused)' : ''}`;
            if (now !== last) log(`${campaignId}: ${now}`);
            last = now;
          })
          .catch(() => undefined)
          .finally(() => (polling = undefined));
      }, 2000);
      try {
        result = await Promise.race([outcome, signals.interrupted.then(() => 'interrupted' as const)]);
      } finally {
        clearInterval(progress);
        abort.abort();
        await Promise.allSettled([outcome, polling]);
      }
    } finally {
      await connection.close();
    }
    if (result === 'interrupted') {
      log(
        `interrupted: stopping the stack. ${campaignId} stays in ${dataDir} and carries on when a stack runs there (\`matdisc dev${dataDirFlag(dataDir)}\`); \`matdisc campaign stop ${campaignId}${dataDirFlag(dataDir)}\` ends it`,
      );
      process.exitCode = 130;
      return;
    }
    const done = result;
    const rounds = await listRoundSummaries(stack.db, campaignId);
    printResult(json, { campaignId, result: done, rounds }, () =>
      [
        `${formatStatus(done)}${done.stopReason ? ` (${done.stopReason})` : ''}`,
        ...rounds.flatMap((r) => roundLines(r.round_index, r.summary)),
        `wall time ${((Date.now() - started) / 1000).toFixed(1)} s; review: ${dataDirFlag(dataDir) ? `MATDISC_DATA_DIR=${dataDir} ` : ''}matdisc sql -c "SELECT * FROM campaign_summary WHERE campaign_id = '${campaignId}'"`,
      ].join('\n'),
    );
  } finally {
    signals.dispose();
    await stack.stop();
  }
}

function formatStatus(s: CampaignStateSummary): string {
  return (
    `${s.campaignId}: ${campaignPosition(s)}${s.paused ? ' (paused)' : ''}; DFT ${s.dftSpent}/${s.dftBudgetTotal}, ${s.dftInFlight} in flight; ` +
    `generated ${s.counts.generated}, unique ${s.counts.unique}, predicted stable ${s.counts.predictedStable}, DFT converged ${s.counts.dftConverged}, failed ${s.counts.dftFailed}` +
    (s.counts.duplicatesOfOtherCampaigns
      ? `; ${s.counts.duplicatesOfOtherCampaigns} duplicates of another campaign's candidates (left out of hull and DFT)`
      : '')
  );
}

/** A campaign's state as its database rows record it (no stack running), for `campaign status`. */
interface DatabaseStatus {
  readonly campaignId: string;
  /** The campaigns row: running, paused, completed, stopped, failed. */
  readonly status: string;
  readonly source: 'database';
  readonly round: number;
  readonly stage: string;
  readonly paused: boolean;
  readonly dftBudgetTotal: number;
  readonly dftRun: number;
  readonly counts: {
    readonly generated: number;
    readonly unique: number;
    readonly dftConverged: number;
    readonly dftFailed: number;
  };
  readonly note: string;
}

/** One reading of a campaign's status: the `--json` document, the line for people, whether it ended. */
interface StatusReading {
  readonly doc: unknown;
  readonly human: string;
  /** The campaign ended (completed or stopped: `ok`; failed or terminated: not). */
  readonly ended: boolean;
  readonly ok: boolean;
}

/**
 * `campaign status` from the database rather than from a Temporal server started on demand: the
 * status query is answered by a worker replaying the workflow (a server alone cannot), and workers
 * started for a status would also resume the campaign. The rows hold what matters: an ended
 * campaign's `result` is the workflow's final status, verbatim; an unfinished one shows its row
 * status, its latest round and stage, and the counts.
 */
async function readDatabaseStatus(
  db: import('../../db/database.js').Database,
  ep: StackEndpoints,
  id: string,
): Promise<StatusReading> {
  const { rows } = await db.query<{
    status: string;
    result: CampaignStateSummary | null;
    config: CampaignConfig;
    generated: string;
    unique_generated: string;
    dft_total: string;
    dft_converged: string;
    dft_failed: string;
    round_index: number | null;
    stage: string | null;
  }>(
    `SELECT c.status, c.result, c.config, s.generated, s.unique_generated, s.dft_total, s.dft_converged,
            s.dft_failed, r.round_index, r.stage
       FROM campaigns c
       JOIN campaign_summary s ON s.campaign_id = c.id
       LEFT JOIN LATERAL (SELECT round_index, stage FROM rounds WHERE campaign_id = c.id
                           ORDER BY round_index DESC LIMIT 1) r ON true
      WHERE c.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row)
    throw new Error(
      `no campaign ${id} in the database of ${ep.dataDir} (a campaign is recorded when its workers first run it): \`matdisc campaign list${dataDirFlag(ep.dataDir)}\` shows the campaigns there`,
    );
  const ended = ['completed', 'stopped', 'failed'].includes(row.status);
  const ok = row.status !== 'failed';
  if (ended && row.result && typeof row.result.stage === 'string') {
    const s = row.result;
    return {
      doc: { ...s, status: row.status, source: 'database' },
      human: `${formatStatus(s)}${s.stopReason ? ` (${s.stopReason})` : ''}${row.status === s.stage ? '' : `; campaign ${row.status}`}`,
      ended,
      ok,
    };
  }
  const status: DatabaseStatus = {
    campaignId: id,
    status: row.status,
    source: 'database',
    round: row.round_index ?? 0,
    stage: row.stage ?? 'starting',
    paused: row.status === 'paused',
    dftBudgetTotal: row.config.dft.budgetTotal,
    dftRun: Number(row.dft_total),
    counts: {
      generated: Number(row.generated),
      unique: Number(row.unique_generated),
      dftConverged: Number(row.dft_converged),
      dftFailed: Number(row.dft_failed),
    },
    note: ended
      ? `the campaign ${row.status}`
      : ep.database
        ? `read from the database (${ep.database.source === 'env' ? 'DATABASE_URL' : 'the running stack'})`
        : `no stack is running on ${ep.dataDir}, so the campaign waits where it is; it carries on, and status is live, with \`matdisc dev${dataDirFlag(ep.dataDir)}\``,
  };
  return {
    doc: status,
    human: [
      `${id}: ${roundStage(status.round, status.stage)}${status.paused ? ' (paused)' : ''}; ${status.status}; DFT ${status.dftRun} run of budget ${status.dftBudgetTotal}, converged ${status.counts.dftConverged}, failed ${status.counts.dftFailed}; generated ${status.counts.generated}, unique ${status.counts.unique}`,
      `  ${status.note}`,
    ].join('\n'),
    ended,
    ok,
  };
}

interface StatusOptions {
  readonly json: boolean;
  /** Print again on every change until the campaign ends. */
  readonly watch: boolean;
  readonly intervalS: number;
}

/**
 * Prints the readings of `read`: once, or with `watch` a line (a compact JSON document with
 * `--json`) whenever what it says changes, until the campaign ends (exit 0; 1 when it failed) or
 * Ctrl-C (exit 130). `live` false: nothing can change (no stack, no DATABASE_URL), so one reading.
 */
async function printStatuses(
  read: () => Promise<StatusReading>,
  opts: StatusOptions,
  live: boolean,
): Promise<void> {
  if (!opts.watch) {
    const r = await read();
    printResult(opts.json, r.doc, () => r.human);
    return;
  }
  const signals = interruption();
  try {
    let last: string | null = null;
    for (;;) {
      const r = await read();
      if (r.human !== last) {
        last = r.human;
        if (opts.json) process.stdout.write(`${JSON.stringify(r.doc)}\n`);
        else process.stdout.write(`${new Date().toTimeString().slice(0, 8)} ${r.human}\n`);
      }
      if (r.ended) {
        if (!r.ok) process.exitCode = 1;
        return;
      }
      if (!live) {
        log('--watch: nothing changes while no stack runs; printed once');
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise((resolve) => (timer = setTimeout(resolve, opts.intervalS * 1000))),
        signals.interrupted,
      ]);
      clearTimeout(timer);
      if (signals.fired()) {
        process.exitCode = 130;
        return;
      }
    }
  } finally {
    signals.dispose();
  }
}

/**
 * `campaign status` with no Temporal server (no running stack, no TEMPORAL_ADDRESS): from the
 * database, DATABASE_URL's (live: `--watch` follows it) or the data dir's own (read once).
 */
async function statusFromDatabase(ep: StackEndpoints, id: string, opts: StatusOptions): Promise<void> {
  if (!ep.database && !existsSync(join(ep.dataDir, 'pglite')))
    throw new Error(`no campaign ${id}: ${ep.dataDir} has no database; ${noStackHint(ep.dataDir)}`);
  const { withDatabase } = await import('../stack/with-database.js');
  if (!ep.database) log(`no running stack for ${ep.dataDir}: reading ${id} from its database`);
  await withDatabase(
    (db) => printStatuses(() => readDatabaseStatus(db, ep, id), opts, Boolean(ep.database)),
    {
      endpoints: ep,
    },
  );
}

/** `campaign status` through Temporal: the workflow's own state, answered by its workers. */
async function statusFromTemporal(ep: StackEndpoints, id: string, opts: StatusOptions): Promise<void> {
  logStack(ep, 'asking');
  const { campaignStatusQuery } = await import('../../workflows/campaign-messages.js');
  const { client, connection } = await connectTemporal(ep.temporal!);
  const handle = client.workflow.getHandle(id);
  try {
    await printStatuses(
      async () => {
        const s = await handle.query(campaignStatusQuery);
        const run = (await handle.describe()).status.name;
        const ended = run !== 'RUNNING' && run !== 'CONTINUED_AS_NEW';
        const ok = run === 'COMPLETED' || !ended;
        return {
          doc: s,
          human: `${formatStatus(s)}${ended && !ok ? `; workflow ${run.toLowerCase()}` : ''}`,
          ended,
          ok,
        };
      },
      opts,
      true,
    );
  } finally {
    await connection.close();
  }
}

/**
 * Before a campaign starts: imports the `--import-reference` files' phases of its systems into
 * `db`, and says (stderr) when no known compound of its systems is among the reference phases.
 */
async function checkReferencePhases(
  db: import('../../db/database.js').Database,
  config: CampaignConfig,
  files: readonly string[],
): Promise<void> {
  const { prepareReferencePhases } = await import('../reference-phases.js');
  const { campaignSystems } = await import('../../contracts/campaign-config.js');
  const check = await prepareReferencePhases(db, campaignSystems(config), files, log);
  if (check.notice) log(`notice: ${check.notice}`);
}

const collectFiles = (value: string, previous: string[]) => [...previous, value];

export function registerCampaign(program: Command): void {
  const campaign = program.command('campaign').description('discovery campaigns: start, watch, steer');

  campaign
    .command('start <config>')
    .description(
      "validate a campaign config (YAML or JSON) and start it; prints the campaign id. With no running stack (`matdisc dev`, or TEMPORAL_ADDRESS) it runs the data dir's embedded stack here until the campaign ends",
    )
    .option('--id <id>', 'campaign id, used once (default: <name>-<timestamp>)')
    .option(
      '--detach',
      'only start it on a running stack (`matdisc dev` or TEMPORAL_ADDRESS) and return; refused when none runs',
    )
    .option(
      '--import-reference <file>',
      "before starting, import the known phases of the campaign's systems (and subsystems) from this file, as `matdisc db import-reference` reads it (repeatable)",
      collectFiles,
      [],
    )
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .option(
      '--json',
      'print {"campaignId"} ({"campaignId","result","rounds"} when run in the foreground), or {"error","issues":[{"field","message"}]} when refused',
    )
    .action(
      async (
        file: string,
        opts: { id?: string; detach?: boolean; importReference: string[]; dataDir?: string; json?: boolean },
      ) => {
        try {
          const config = await validateCampaignFile(file);
          const campaignId = await campaignIdFor(config, opts.id);
          const { checkReferenceFile } = await import('../reference-phases.js');
          for (const f of opts.importReference) await checkReferenceFile(f);
          const ep = await stackEndpoints(opts.dataDir);
          if (!ep.temporal) {
            if (opts.detach) {
              throw new Error(
                `--detach: no stack is running for ${ep.dataDir}: ${noStackHint(ep.dataDir)}; or leave out --detach to run the campaign here until it ends`,
              );
            }
            await runInForeground(
              file,
              config,
              campaignId,
              ep.dataDir,
              Boolean(opts.json),
              opts.importReference,
            );
            return;
          }
          logStack(ep, 'starting');
          if (ep.database) {
            const { Database } = await import('../../db/database.js');
            const db = await Database.connect({ url: ep.database.url, maxConnections: 1 });
            try {
              await checkReferencePhases(db, config, opts.importReference);
            } finally {
              await db.close();
            }
          } else if (opts.importReference.length > 0)
            throw new Error(
              "--import-reference: no database to import into (TEMPORAL_ADDRESS is set, DATABASE_URL is not): set DATABASE_URL to the workers' database, or import with `matdisc db import-reference FILE` there",
            );
          const { client, connection } = await connectTemporal(ep.temporal);
          try {
            await startWorkflow(client, campaignId, config);
          } finally {
            await connection.close();
          }
          log(`started ${campaignId} from ${basename(file)}`);
          printResult(Boolean(opts.json), { campaignId }, () => campaignId);
        } catch (err) {
          printError(Boolean(opts.json), err);
        }
      },
    );

  campaign
    .command('validate <config>')
    .description(
      'every check of `campaign start` (schema, models, elements, pseudopotentials, DFT references, VASP) without a Temporal server',
    )
    .option(
      '--json',
      'print {"valid":true,"name","elements","systems","compositions"}, or {"error","issues":[{"field","message"}]}',
    )
    .action(async (file: string, opts: { json?: boolean }) => {
      try {
        const config = await validateCampaignFile(file);
        const { campaignElements } = await import('../../contracts/campaign-config.js');
        const elements = campaignElements(config);
        printResult(
          Boolean(opts.json),
          {
            valid: true,
            name: config.name,
            elements,
            systems: config.chemistry.systems,
            compositions: config.chemistry.compositions,
          },
          () => `${basename(file)}: valid (${config.name}; elements ${elements.join(', ')})`,
        );
      } catch (err) {
        printError(Boolean(opts.json), err);
      }
    });

  campaign
    .command('status <id>')
    .description(
      "round, stage, counts and DFT jobs in flight (with no running stack: from the data dir's database); rounds are numbered from 1 (the JSON `round` is the stored index, from 0)",
    )
    .option(
      '--watch',
      'print a line whenever the round, stage, counts or DFT jobs in flight change, until the campaign ends (exit 0) or Ctrl-C; with --json, one compact document a line',
    )
    .option('--interval-s <s>', 'with --watch, seconds between readings', positiveNumber, 5)
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .action(
      async (id: string, opts: { watch?: boolean; intervalS: number; dataDir?: string; json?: boolean }) => {
        const ep = await stackEndpoints(opts.dataDir);
        const statusOpts = {
          json: Boolean(opts.json),
          watch: Boolean(opts.watch),
          intervalS: opts.intervalS,
        };
        if (!ep.temporal) await statusFromDatabase(ep, id, statusOpts);
        else await statusFromTemporal(ep, id, statusOpts);
      },
    );

  campaign
    .command('list')
    .description('campaigns in the database (campaign_summary)')
    .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      const { discoveryCampaignSummaries } = await import('../../db/campaign-summary.js');
      const { withDatabase } = await import('../stack/with-database.js');
      const ep = await stackEndpoints(opts.dataDir);
      const print = (rows: Awaited<ReturnType<typeof discoveryCampaignSummaries>>) =>
        printResult(Boolean(opts.json), rows, () =>
          rows
            .map(
              (r) =>
                `${r.campaign_id}  ${r.status}  rounds ${r.rounds}  generated ${r.generated}  DFT ${r.dft_converged}/${r.dft_total}`,
            )
            .join('\n'),
        );
      if (!ep.database) {
        if (!existsSync(join(ep.dataDir, 'pglite'))) {
          log(`no campaigns: ${ep.dataDir} has no database yet`);
          print([]);
          return;
        }
        log(`no running stack for ${ep.dataDir}: reading its database`);
      } else if (ep.database.source === 'stack') logStack(ep, 'reading the database');
      await withDatabase(async (db) => print(await discoveryCampaignSummaries(db)), { endpoints: ep });
    });

  const simple = (
    name: 'pause' | 'resume' | 'stop',
    description: string,
    send: (h: WorkflowHandle, opts: { cancel?: boolean }) => Promise<void>,
  ) => {
    const command = campaign.command(`${name} <id>`).description(description);
    // Only stop has a mode; pause and resume must not offer an option they ignore.
    if (name === 'stop')
      command.option('--cancel', 'cancel running DFT jobs now instead of finishing the round');
    return command
      .option(DATA_DIR_FLAGS, DATA_DIR_HELP)
      .option('--json', 'print {"campaignId","sent"}')
      .action(async (id: string, opts: { cancel?: boolean; dataDir?: string; json?: boolean }) => {
        const ep = await stackEndpoints(opts.dataDir);
        let target = ep.temporal;
        // No running stack: the data dir's Temporal server records the signal (durably, in
        // temporal.db); the campaign acts on it when its workers next run.
        let server: import('../stack/temporal-dev-server.js').TemporalDevServer | undefined;
        if (!target) {
          if (!existsSync(join(ep.dataDir, 'temporal.db')))
            throw new Error(
              `no campaign ${id}: ${ep.dataDir} has no Temporal state (temporal.db); ${noStackHint(ep.dataDir)}`,
            );
          log(
            `no running stack for ${ep.dataDir}: starting its Temporal server to record the ${name} signal`,
          );
          const { TemporalDevServer } = await import('../stack/temporal-dev-server.js');
          server = await TemporalDevServer.start({
            stateDir: ep.dataDir,
            namespace: process.env.TEMPORAL_NAMESPACE || 'default',
          });
          target = { address: server.address, namespace: server.namespace, source: 'stack' };
        } else logStack(ep, `sending ${name}`);
        try {
          const { client, connection } = await connectTemporal(target);
          try {
            const { WorkflowNotFoundError } = await import('@temporalio/client');
            await send(client.workflow.getHandle(id), opts).catch((err: unknown) => {
              if (!(err instanceof WorkflowNotFoundError)) throw err;
              throw new Error(
                `${name}: ${id}: ${err.message} (\`matdisc campaign status ${id}${dataDirFlag(ep.dataDir)}\` shows its state)`,
                { cause: err },
              );
            });
          } finally {
            await connection.close();
          }
        } finally {
          await server?.stop();
        }
        log(
          server
            ? `${name}: recorded for ${id}; it takes effect when the campaign's workers run (\`matdisc dev${dataDirFlag(ep.dataDir)}\`)`
            : `${name}: sent to ${id}`,
        );
        const sent = name === 'stop' ? `stop (${opts.cancel ? 'cancel' : 'finish'})` : name;
        printResult(Boolean(opts.json), { campaignId: id, sent }, () => `${sent}: sent to ${id}`);
      });
  };
  simple('pause', 'pause between stages (running DFT jobs finish)', async (h) => {
    const { pauseSignal } = await import('../../workflows/campaign-messages.js');
    await h.signal(pauseSignal);
  });
  simple('resume', 'resume a paused campaign', async (h) => {
    const { resumeSignal } = await import('../../workflows/campaign-messages.js');
    await h.signal(resumeSignal);
  });
  simple('stop', 'stop after the running round (--cancel: now, cancelling DFT jobs)', async (h, opts) => {
    const { stopSignal } = await import('../../workflows/campaign-messages.js');
    await h.signal(stopSignal, { mode: opts.cancel ? 'cancel' : 'finish' });
  });
}
