/**
 * `matdisc campaign status ID --watch` (issue 17) on seeded databases, no Temporal and no workers:
 * - against DATABASE_URL it re-reads the rows, prints a line whenever the round, stage or counts
 *   change, and exits 0 when the campaign ends;
 * - against a data dir's own database (nothing running) a finished campaign prints once, exit 0;
 *   so does an ended one with --json, as one compact document a line.
 * Rounds read from 1 in what people read: stored round_index 0 is "round 1".
 */
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmbeddedPostgres } from '../../cli/stack/embedded-postgres.js';
import { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** No external services, no default data dir, no forced progress. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DATABASE_URL', 'MATDISC_DATA_DIR'])
    delete env[name];
  return { ...env, ...extra };
}

const CONFIG = JSON.stringify({ dft: { budgetTotal: 4 } });

/** A campaign's final status as the workflow stores it in campaigns.result. */
const finalResult = (id: string, rounds: number) =>
  JSON.stringify({
    campaignId: id,
    round: rounds,
    stage: 'completed',
    paused: false,
    stopRequested: null,
    mlipVersionId: null,
    dftBudgetTotal: 4,
    dftSpent: 2,
    dftInFlight: 0,
    roundsCompleted: rounds,
    roundsWithoutNewStable: 0,
    counts: {
      generated: 8,
      unique: 6,
      duplicatesOfOtherCampaigns: 0,
      predictedStable: 2,
      dftConverged: 2,
      dftFailed: 0,
    },
    stopReason: 'all rounds done',
  });

describe('campaign status --watch', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-status-watch-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows DATABASE_URL: a line per change of round or stage, then exit 0 when the campaign ends', async () => {
    const serverUrl = inject('postgresUrl');
    const name = `watch_${process.pid}_${Date.now()}`;
    const admin = await Database.connect({ url: serverUrl, maxConnections: 1 });
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.close();
    const url = serverUrl.replace(/\/postgres$/, `/${name}`);
    const db = await Database.connect({ url, maxConnections: 1 });
    try {
      await migrate(db);
      await db.query(`INSERT INTO campaigns (id, name, config) VALUES ('w', 'w', $1)`, [CONFIG]);
      await db.query(`INSERT INTO rounds (campaign_id, round_index, stage) VALUES ('w', 0, 'generate')`);

      const child = execa(
        'node',
        [
          join(ROOT, 'bin/matdisc.js'),
          'campaign',
          'status',
          'w',
          '--watch',
          '--interval-s',
          '0.2',
          '--data-dir',
          join(dir, 'empty'),
        ],
        { cwd: ROOT, reject: false, extendEnv: false, env: cleanEnv({ DATABASE_URL: url }), timeout: 90_000 },
      );
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      /** Waits until stdout has a line matching `re` (the child's own timeout bounds the wait). */
      const waitFor = async (re: RegExp) => {
        while (!re.test(stdout)) {
          expect(child.exitCode, `status --watch exited early: ${stdout}`).toBeNull();
          await sleep(100);
        }
      };
      await waitFor(/^\d\d:\d\d:\d\d w: round 1 generate; running; DFT 0 run of budget 4/m);
      await db.query(`UPDATE rounds SET stage = 'dft' WHERE campaign_id = 'w'`);
      await waitFor(/^\d\d:\d\d:\d\d w: round 1 dft; running/m);
      await db.query(`INSERT INTO rounds (campaign_id, round_index, stage) VALUES ('w', 1, 'generate')`);
      await waitFor(/^\d\d:\d\d:\d\d w: round 2 generate; running/m);
      await db.query(`UPDATE campaigns SET status = 'completed', result = $1 WHERE id = 'w'`, [
        finalResult('w', 2),
      ]);
      const done = await child;
      expect(done.exitCode, done.stderr).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      // One line per change (each status line has its note under it), nothing repeated.
      const statusLines = lines.filter((l) => /^\d\d:\d\d:\d\d w: /.test(l)).map((l) => l.slice(9));
      expect(statusLines.map((l) => l.replace(/;.*/, ''))).toEqual([
        'w: round 1 generate',
        'w: round 1 dft',
        'w: round 2 generate',
        'w: completed after 2 rounds',
      ]);
      expect(statusLines.at(-1)).toMatch(
        /DFT 2\/4, 0 in flight; generated 8, unique 6.*\(all rounds done\)$/,
      );

      // Ended already: one reading; with --json one compact document a line.
      const json = await execa(
        'node',
        [
          join(ROOT, 'bin/matdisc.js'),
          'campaign',
          'status',
          'w',
          '--watch',
          '--json',
          '--data-dir',
          join(dir, 'empty'),
        ],
        { cwd: ROOT, reject: false, extendEnv: false, env: cleanEnv({ DATABASE_URL: url }), timeout: 90_000 },
      );
      expect(json.exitCode, json.stderr).toBe(0);
      const docs = json.stdout.trimEnd().split('\n');
      expect(docs).toHaveLength(1);
      expect(JSON.parse(docs[0]!)).toMatchObject({
        campaignId: 'w',
        stage: 'completed',
        status: 'completed',
        source: 'database',
        round: 2,
        roundsCompleted: 2,
      });
    } finally {
      await db.close();
      const a = await Database.connect({ url: serverUrl, maxConnections: 1 });
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.close();
    }
  }, 120_000);

  it("a finished campaign in a data dir's own database prints once and exits 0", async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const pg = await EmbeddedPostgres.start({ dataDir: join(dataDir, 'pglite') });
    try {
      const db = await Database.connect({ url: pg.url, maxConnections: 1 });
      try {
        await migrate(db);
        await db.query(
          `INSERT INTO campaigns (id, name, config, status, result) VALUES ('done', 'done', $1, 'completed', $2)`,
          [CONFIG, finalResult('done', 1)],
        );
        await db.query(`INSERT INTO rounds (campaign_id, round_index, stage) VALUES ('done', 0, 'summary')`);
      } finally {
        await db.close();
      }
    } finally {
      await pg.stop();
    }
    const human = await execa(
      'node',
      [
        join(ROOT, 'bin/matdisc.js'),
        'campaign',
        'status',
        'done',
        '--watch',
        '--interval-s',
        '0.2',
        '--data-dir',
        dataDir,
      ],
      { cwd: ROOT, reject: false, extendEnv: false, env: cleanEnv(), timeout: 90_000 },
    );
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(human.stdout).toMatch(/^\d\d:\d\d:\d\d done: completed after 1 round; DFT 2\/4/);
  }, 120_000);
});
