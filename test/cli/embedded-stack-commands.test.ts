/**
 * The campaign commands on the embedded stack of a data dir, with no TEMPORAL_ADDRESS or
 * DATABASE_URL (issue 17), run as a user runs them (bin/matdisc.js in child processes, real
 * Temporal dev servers and PGlite of a fresh data dir):
 * - with no stack running, `campaign start` runs the campaign in the foreground on the data dir's
 *   own stack; then `campaign list` and `status` read the data dir, and `stop` reaches its Temporal
 *   state;
 * - with `matdisc dev` running, the commands find it through `<dataDir>/stack.json`, a new
 *   `campaign start` runs on its workers, and the file goes away when dev stops.
 */
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../cli/stack/free-port.js';
import { MORSE } from '../campaign/fixtures.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** The environment of a user who set nothing: no external services, no default data dir. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DATABASE_URL', 'MATDISC_DATA_DIR'])
    delete env[name];
  return env;
}

/** A campaign of seconds: Si prototypes, the Morse committee, one pw.x calculation (test profile). */
const tinyCampaign = (name: string) => `
name: ${name}
chemistry: { systems: [Si] }
rounds: 1
candidatesPerRound: 4
generator: { model: prototypes }
mlip: { model: ${MORSE} }
relax: { fmax: 0.1, steps: 100 }
stability: { maxEAboveHullEvPerAtom: 100 }
trust: { excludeUntrusted: false }
dft: { profile: test, budgetPerRound: 1, budgetTotal: 1, maxConcurrent: 1 }
retraining: { policy: never }
`;

describe('campaign commands on the embedded stack of a data dir, with no environment variables', () => {
  let dir: string;
  let dataDir: string;
  let dev: ResultPromise | undefined;
  const env = cleanEnv();
  const matdisc = (args: string[], extraEnv: Record<string, string> = {}, timeout = 120_000) =>
    execa('node', [join(ROOT, 'bin/matdisc.js'), ...args], {
      cwd: ROOT,
      reject: false,
      extendEnv: false,
      env: { ...env, ...extraEnv },
      timeout,
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-embedded-stack-'));
    dataDir = join(dir, 'data');
    writeFileSync(join(dir, 'first.yaml'), tinyCampaign('first'));
    writeFileSync(join(dir, 'second.yaml'), tinyCampaign('second'));
  });
  afterAll(async () => {
    if (dev?.pid !== undefined && dev.exitCode === null) {
      dev.kill('SIGINT');
      await dev.catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('campaign start with no stack running runs the campaign here, on the data dir, until it ends', async () => {
    const detached = await matdisc([
      'campaign',
      'start',
      join(dir, 'first.yaml'),
      '--detach',
      '--data-dir',
      dataDir,
    ]);
    expect(detached.exitCode).toBe(1);
    expect(detached.stderr).toContain(`matdisc dev --data-dir ${dataDir}`);
    expect(detached.stderr).toMatch(/TEMPORAL_ADDRESS and DATABASE_URL/);

    const run = await matdisc(
      ['campaign', 'start', join(dir, 'first.yaml'), '--id', 'first', '--data-dir', dataDir, '--json'],
      {},
      170_000,
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/no running stack for .*: starting its embedded stack here/);
    const doc = JSON.parse(run.stdout) as {
      campaignId: string;
      result: { stage: string; dftSpent: number };
      rounds: { round_index: number }[];
    };
    expect(doc.campaignId).toBe('first');
    expect(doc.result).toMatchObject({ stage: 'completed', dftSpent: 1 });
    expect(doc.rounds.map((r) => r.round_index)).toEqual([0]);
    // Its stack advertised itself while it ran, and took the file away when it stopped.
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);
  }, 180_000);

  it('campaign list and status read the data dir when no stack runs (a stale stack.json is ignored)', async () => {
    // A stack.json left by a process that is gone.
    const gone = execa('node', ['-e', '']);
    await gone;
    writeFileSync(
      join(dataDir, 'stack.json'),
      JSON.stringify({
        version: 1,
        holder: 'matdisc dev',
        pid: gone.pid,
        startedAt: new Date().toISOString(),
        dataDir,
        temporalAddress: '127.0.0.1:1',
        namespace: 'default',
        databaseUrl: 'postgres://postgres@127.0.0.1:1/postgres',
      }),
    );
    const list = await matdisc(['campaign', 'list', '--data-dir', dataDir, '--json']);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stderr).toMatch(/no running stack/);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ campaign_id: 'first', status: 'completed', rounds: '1' }),
    ]);

    const status = await matdisc(['campaign', 'status', 'first', '--data-dir', dataDir, '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      campaignId: 'first',
      stage: 'completed',
      status: 'completed',
      source: 'database',
      stopReason: 'all rounds done',
    });
    const human = await matdisc(['campaign', 'status', 'first', '--data-dir', dataDir]);
    // Rounds read from 1: the one round of the campaign is "round 1", done.
    expect(human.stdout).toMatch(/^first: completed after 1 round; DFT 1\/1/);

    // Signals need Temporal: the data dir's server starts for them, and says why this one fails.
    const stop = await matdisc(['campaign', 'stop', 'first', '--data-dir', dataDir]);
    expect(stop.exitCode).toBe(1);
    expect(stop.stderr).toMatch(/starting its Temporal server to record the stop signal/);
    expect(stop.stderr).toMatch(/already completed/);
  }, 120_000);

  it('with matdisc dev running, the commands go through it and a new campaign runs on its workers', async () => {
    const [temporalPort, uiPort, dbPort] = [await freePort(), await freePort(), await freePort()];
    dev = execa(
      'node',
      [
        join(ROOT, 'bin/matdisc.js'),
        'dev',
        '--data-dir',
        dataDir,
        '--temporal-port',
        String(temporalPort),
        '--ui-port',
        String(uiPort),
        '--db-port',
        String(dbPort),
      ],
      { cwd: ROOT, reject: false, extendEnv: false, env, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' },
    );
    let devLog = '';
    dev.stderr?.on('data', (chunk: Buffer) => (devLog += chunk.toString()));
    const discovery = join(dataDir, 'stack.json');
    const deadline = Date.now() + 120_000;
    // Ready once its workers are up (the last line before it waits).
    while (!/Ctrl-C stops everything/.test(devLog)) {
      expect(dev.exitCode, devLog).toBeNull();
      expect(Date.now(), `matdisc dev did not start: ${devLog}`).toBeLessThan(deadline);
      await sleep(500);
    }
    const advertised = JSON.parse(readFileSync(discovery, 'utf8')) as Record<string, unknown>;
    expect(advertised).toMatchObject({
      pid: dev.pid,
      holder: 'matdisc dev',
      temporalAddress: `127.0.0.1:${temporalPort}`,
      databaseUrl: expect.stringContaining(`:${dbPort}/`),
    });
    const through = new RegExp(`through matdisc dev \\(pid ${dev.pid}\\)`);

    // PGlite is single-process: list and sql reach dev's database, not the files dev holds.
    const list = await matdisc(['campaign', 'list', '--data-dir', dataDir]);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stderr).toMatch(through);
    expect(list.stdout).toMatch(/^first {2}completed/m);
    const sql = await matdisc(['sql', '-c', 'SELECT campaign_id FROM campaign_summary', '--json'], {
      MATDISC_DATA_DIR: dataDir,
    });
    expect(sql.exitCode, sql.stderr).toBe(0);
    expect(JSON.parse(sql.stdout).rows).toEqual([{ campaign_id: 'first' }]);

    const start = await matdisc([
      'campaign',
      'start',
      join(dir, 'second.yaml'),
      '--id',
      'second',
      '--detach',
      '--data-dir',
      dataDir,
      '--json',
    ]);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(start.stderr).toMatch(through);
    expect(JSON.parse(start.stdout)).toEqual({ campaignId: 'second' });

    // The live status (the workflow's query, answered by dev's workers) until it ends.
    let stage = '';
    while (stage !== 'completed' && stage !== 'stopped') {
      expect(Date.now(), `second did not end; last stage ${stage}`).toBeLessThan(deadline + 60_000);
      await sleep(2000);
      const status = await matdisc(['campaign', 'status', 'second', '--data-dir', dataDir, '--json']);
      expect(status.exitCode, status.stderr).toBe(0);
      const s = JSON.parse(status.stdout) as { campaignId: string; stage: string; source?: string };
      expect(s).toMatchObject({ campaignId: 'second' });
      expect(s.source).toBeUndefined();
      stage = s.stage;
    }

    dev.kill('SIGINT');
    const exited = await dev;
    expect(exited.exitCode, devLog).toBe(0);
    expect(existsSync(discovery)).toBe(false);
    const after = await matdisc(['campaign', 'list', '--data-dir', dataDir, '--json']);
    expect(after.stderr).toMatch(/no running stack/);
    expect((JSON.parse(after.stdout) as { campaign_id: string }[]).map((r) => r.campaign_id).sort()).toEqual([
      'first',
      'second',
    ]);
  }, 240_000);
});
