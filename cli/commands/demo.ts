/**
 * `matdisc demo`: a small real discovery campaign on the embedded stack (cli/demo/demo-campaign.ts),
 * then its result, the wall time per stage and the SQL to review it.
 */
import type { Command } from 'commander';
import { pseudoDir } from '../paths.js';
import { log, printResult } from '../output.js';
import { ProgressLine, progressMode, withProgressOption } from '../progress/progress-line.js';
import { campaignPosition, roundLines } from '../round-lines.js';

export function registerDemo(program: Command): void {
  withProgressOption(program.command('demo'))
    .description(
      'run a small discovery campaign on the embedded stack (Li-F: the diffusion generator, the universal MLIP committee, 3 pw.x calculations), say which known phase it rediscovered, and print how to review it in SQL',
    )
    .option('--data-dir <dir>', 'state directory (default: MATDISC_DATA_DIR or .data)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { dataDir?: string; json?: boolean; progress?: boolean }) => {
      const { Client, Connection } = await import('@temporalio/client');
      const { discoveryCampaign } = await import('../../workflows/campaign.js');
      const { checkCampaignResources } = await import('../../campaign/campaign-resources.js');
      const { chooseDemoGenerator, demoCampaignConfig, DEMO_SYSTEM } =
        await import('../demo/demo-campaign.js');
      const { demoFindings, findingLines } = await import('../demo/known-phases.js');
      const { stageTimings } = await import('../demo/stage-timings.js');
      const { dataDir } = await import('../stack/data-dir.js');
      const { startEmbeddedStack } = await import('../stack/embedded-stack.js');
      const { WORKFLOW_TASK_QUEUE } = await import('../start-workers.js');
      const { listCampaignDftOutcomes } = await import('../../db/dft-calculations.js');
      const { listCampaignModelVersions } = await import('../../db/model-versions.js');
      const { listRoundSummaries } = await import('../../db/rounds.js');
      const started = Date.now();
      const generator = await chooseDemoGenerator();
      log(`generator: ${generator.note}`);
      const config = demoCampaignConfig(generator.model);
      await checkCampaignResources(config, { pseudoDir: pseudoDir() });
      log('starting the embedded stack (Temporal dev server, PGlite+pgvector, workers)…');
      const stack = await startEmbeddedStack({
        pseudoDir: pseudoDir(),
        dataDir: opts.dataDir ?? dataDir(),
      });
      const stackS = (Date.now() - started) / 1000;
      try {
        const connection = await Connection.connect({ address: stack.temporalAddress });
        const client = new Client({ connection, namespace: stack.namespace });
        const campaignId = `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`.toLowerCase();
        log(
          `campaign ${campaignId}: ${config.chemistry.systems.join(', ')}, ${config.rounds} rounds × ${config.candidatesPerRound} candidates, MLIP ${config.mlip.model}, DFT budget ${config.dft.budgetTotal} (pw.x, test profile)…`,
        );
        const handle = await client.workflow.start(discoveryCampaign, {
          taskQueue: WORKFLOW_TASK_QUEUE,
          workflowId: campaignId,
          args: [{ campaignId, config }],
        });
        const result = await followCampaign(
          handle,
          config.rounds,
          new ProgressLine(progressMode({ json: opts.json, forced: opts.progress })),
        );
        const timings = stageTimings((await handle.fetchHistory()).events ?? []);
        await connection.close();
        const dft = await listCampaignDftOutcomes(stack.db, campaignId);
        const rounds = await listRoundSummaries(stack.db, campaignId);
        const models = await listCampaignModelVersions(stack.db, campaignId);
        const sql = [
          `SELECT * FROM campaign_summary WHERE campaign_id = '${campaignId}'`,
          `SELECT reduced_formula, origin, mlip_e_above_hull_ev_per_atom, dft_status, dft_failure_reason, dft_e_above_hull_ev_per_atom, dft_confirmed_stable, mlip_formation_energy_error_mev_per_atom FROM candidate_review WHERE campaign_id = '${campaignId}' AND dft_status IS NOT NULL`,
        ];
        const { writeDemoReport } = await import('../demo/demo-report.js');
        const report = await writeDemoReport(stack.db, campaignId, opts.dataDir ?? dataDir());
        const findings = await demoFindings(stack.db, campaignId, DEMO_SYSTEM.split('-'));
        const summary = {
          campaignId,
          generator: generator.model,
          generatorNote: generator.note,
          mlip: config.mlip.model,
          result,
          rounds,
          dft,
          models,
          findings,
          timings: { stack_start_s: stackS, campaign: timings, wall_s: (Date.now() - started) / 1000 },
          sql: sql.map((q) => `npx matdisc sql -c "${q}"`),
          report,
        };
        printResult(Boolean(opts.json), summary, () => {
          const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
          const t = timings;
          return [
            `campaign ${campaignId}: ${result.stage} (${result.stopReason}); generator ${generator.model} — ${generator.note}`,
            `  generated ${result.counts.generated}, unique ${result.counts.unique}, predicted stable ${result.counts.predictedStable}; DFT ${result.dftSpent}/${result.dftBudgetTotal}: converged ${result.counts.dftConverged}, failed ${result.counts.dftFailed}`,
            ...dft.map(
              (d) =>
                `  DFT ${d.formula}: ${d.status}${d.failure_reason ? ` (${d.failure_reason})` : ''}${d.energy_per_atom_ev !== null ? `, ${Number(d.energy_per_atom_ev).toFixed(4)} eV/atom` : ''}${d.e_above_hull_ev_per_atom !== null ? `, E_f ${Number(d.formation_energy_per_atom_ev).toFixed(3)} eV/atom, e_above_hull ${Number(d.e_above_hull_ev_per_atom).toFixed(3)} eV/atom${d.dft_confirmed_stable ? ' (confirmed stable)' : ''}` : ''}, pw.x ${Number(d.wall_s ?? 0).toFixed(1)} s`,
            ),
            ...rounds.flatMap((r) => roundLines(r.round_index, r.summary)),
            ...findingLines(DEMO_SYSTEM, findings),
            `wall time: stack start ${stackS.toFixed(1)} s, campaign ${t.total_s.toFixed(1)} s = generation ${t.stages_s.generation.toFixed(1)} s (${pct(t.share.generation)}), MLIP ${t.stages_s.mlip.toFixed(1)} s (${pct(t.share.mlip)}), DFT ${t.stages_s.dft.toFixed(1)} s (${pct(t.share.dft)}), training ${t.stages_s.training.toFixed(1)} s (${pct(t.share.training)}), orchestration ${t.stages_s.orchestration.toFixed(1)} s (${pct(t.share.orchestration)})`,
            report.index
              ? `Report (open in a browser): ${report.index}`
              : `Report not written: ${report.error}`,
            `Review it (read-only, as the reviewer role):`,
            ...summary.sql.map((q) => `  ${q}`),
          ].join('\n');
        });
      } finally {
        await stack.stop();
      }
    });
}

/**
 * The campaign's result; meanwhile, on the progress line, the stage of its round (read every 2 s
 * from the workflow's status query): rounds done of all, the round and stage, DFT spent and in flight.
 */
async function followCampaign(
  handle: import('@temporalio/client').WorkflowHandleWithFirstExecutionRunId<
    typeof import('../../workflows/campaign.js').discoveryCampaign
  >,
  rounds: number,
  progress: ProgressLine,
) {
  if (!progress.enabled) return handle.result();
  const { campaignStatusQuery } = await import('../../workflows/campaign-messages.js');
  progress.stage('campaign', { total: rounds, unit: 'rounds done' });
  let polling: Promise<void> | undefined;
  const poll = setInterval(() => {
    polling ??= handle
      .query(campaignStatusQuery)
      .then((s) =>
        progress.update({
          done: s.roundsCompleted,
          detail: `${campaignPosition(s)}${s.paused ? ' (paused)' : ''}, DFT ${s.dftSpent}/${s.dftBudgetTotal} (${s.dftInFlight} in flight)`,
        }),
      )
      .catch(() => undefined)
      .finally(() => (polling = undefined));
  }, 2000);
  try {
    return await handle.result();
  } finally {
    clearInterval(poll);
    await polling;
    progress.end();
  }
}
