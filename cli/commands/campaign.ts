/**
 * `matdisc campaign validate|start|status|list|pause|resume|stop`: discovery campaigns on Temporal
 * (`validate` needs no server).
 * Talks to TEMPORAL_ADDRESS (namespace TEMPORAL_NAMESPACE, default 'default') and, for `list`,
 * DATABASE_URL; both must be set (a cluster, docker-compose, or a running `matdisc dev`).
 */
import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pseudoDir } from '../paths.js';
import { log, printError, printResult } from '../output.js';

async function temporalClient() {
  const { Client, Connection } = await import('@temporalio/client');
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address)
    throw new Error(
      'TEMPORAL_ADDRESS is not set: point it at a Temporal frontend, e.g. the one `matdisc dev` prints',
    );
  const connection = await Connection.connect({ address });
  return {
    client: new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' }),
    connection,
  };
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

/**
 * Validates the file (validateCampaignFile) and the id, then
 * starts the workflow. A campaign id is used once: Temporal refuses a second run under the id of
 * a finished campaign, whose rows and summary would otherwise mix with the new run's.
 */
async function startCampaign(file: string, id: string | undefined): Promise<string> {
  const { validateCampaignId } = await import('../../contracts/campaign-config.js');
  const config = await validateCampaignFile(file);
  if (id !== undefined) validateCampaignId(id, '--id');
  const { discoveryCampaign } = await import('../../workflows/campaign.js');
  const { WORKFLOW_TASK_QUEUE } = await import('../task-queues.js');
  const { WorkflowExecutionAlreadyStartedError } = await import('@temporalio/client');
  const campaignId =
    id ?? `campaign-${config.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`.toLowerCase();
  const { client, connection } = await temporalClient();
  try {
    await client.workflow.start(discoveryCampaign, {
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
  } finally {
    await connection.close();
  }
  return campaignId;
}

export function registerCampaign(program: Command): void {
  const campaign = program.command('campaign').description('discovery campaigns: start, watch, steer');

  campaign
    .command('start <config>')
    .description('validate a campaign config (YAML or JSON) and start it; prints the campaign id')
    .option('--id <id>', 'campaign id, used once (default: <name>-<timestamp>)')
    .option('--json', 'print {"campaignId"}, or {"error","issues":[{"field","message"}]} when refused')
    .action(async (file: string, opts: { id?: string; json?: boolean }) => {
      try {
        const campaignId = await startCampaign(file, opts.id);
        log(`started ${campaignId} from ${basename(file)}`);
        printResult(Boolean(opts.json), { campaignId }, () => campaignId);
      } catch (err) {
        printError(Boolean(opts.json), err);
      }
    });

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
    .description('round, stage, counts and DFT jobs in flight')
    .option('--watch', 'print again every 5 s until the campaign ends')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { watch?: boolean; json?: boolean }) => {
      const { campaignStatusQuery } = await import('../../workflows/campaign-messages.js');
      const { client, connection } = await temporalClient();
      const handle = client.workflow.getHandle(id);
      try {
        for (;;) {
          const s = await handle.query(campaignStatusQuery);
          printResult(
            Boolean(opts.json),
            s,
            () =>
              `${s.campaignId}: round ${s.round} ${s.stage}${s.paused ? ' (paused)' : ''}; DFT ${s.dftSpent}/${s.dftBudgetTotal}, ${s.dftInFlight} in flight; ` +
              `generated ${s.counts.generated}, unique ${s.counts.unique}, predicted stable ${s.counts.predictedStable}, DFT converged ${s.counts.dftConverged}, failed ${s.counts.dftFailed}` +
              (s.counts.duplicatesOfOtherCampaigns
                ? `; ${s.counts.duplicatesOfOtherCampaigns} duplicates of another campaign's candidates (left out of hull and DFT)`
                : ''),
          );
          const d = await handle.describe();
          if (!opts.watch || d.status.name !== 'RUNNING') break;
          await new Promise((r) => setTimeout(r, 5000));
        }
      } finally {
        await connection.close();
      }
    });

  campaign
    .command('list')
    .description('campaigns in the database (campaign_summary)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { Database } = await import('../../db/database.js');
      const { discoveryCampaignSummaries } = await import('../../db/campaign-summary.js');
      if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
      const db = await Database.connect({ url: process.env.DATABASE_URL });
      try {
        const rows = await discoveryCampaignSummaries(db);
        printResult(Boolean(opts.json), rows, () =>
          rows
            .map(
              (r) =>
                `${r.campaign_id}  ${r.status}  rounds ${r.rounds}  generated ${r.generated}  DFT ${r.dft_converged}/${r.dft_total}`,
            )
            .join('\n'),
        );
      } finally {
        await db.close();
      }
    });

  const simple = (
    name: string,
    description: string,
    send: (h: { signal: (...a: never[]) => Promise<void> }, opts: { cancel?: boolean }) => Promise<void>,
  ) => {
    const command = campaign.command(`${name} <id>`).description(description);
    // Only stop has a mode; pause and resume must not offer an option they ignore.
    if (name === 'stop')
      command.option('--cancel', 'cancel running DFT jobs now instead of finishing the round');
    return command
      .option('--json', 'print {"campaignId","sent"}')
      .action(async (id: string, opts: { cancel?: boolean; json?: boolean }) => {
        const { client, connection } = await temporalClient();
        try {
          await send(client.workflow.getHandle(id) as never, opts);
          log(`${name}: sent to ${id}`);
          const sent = name === 'stop' ? `stop (${opts.cancel ? 'cancel' : 'finish'})` : name;
          printResult(Boolean(opts.json), { campaignId: id, sent }, () => `${sent}: sent to ${id}`);
        } finally {
          await connection.close();
        }
      });
  };
  simple('pause', 'pause between stages (running DFT jobs finish)', async (h) => {
    const { pauseSignal } = await import('../../workflows/campaign-messages.js');
    await (h as never as import('@temporalio/client').WorkflowHandle).signal(pauseSignal);
  });
  simple('resume', 'resume a paused campaign', async (h) => {
    const { resumeSignal } = await import('../../workflows/campaign-messages.js');
    await (h as never as import('@temporalio/client').WorkflowHandle).signal(resumeSignal);
  });
  simple('stop', 'stop after the running round (--cancel: now, cancelling DFT jobs)', async (h, opts) => {
    const { stopSignal } = await import('../../workflows/campaign-messages.js');
    await (h as never as import('@temporalio/client').WorkflowHandle).signal(stopSignal, {
      mode: opts.cancel ? 'cancel' : 'finish',
    });
  });
}
