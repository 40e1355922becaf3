/**
 * `matdisc report` on a real campaign, checked in headless Chromium: one round of a tiny Al-Si
 * campaign (prototype generator, Morse fixture committee, pw.x test profile, DFT budget 2) on the
 * shared Temporal dev server and PostgreSQL, then the command as a user runs it, then the page:
 * no console errors and no request leaving the report directory, plots with points, a table
 * that sorts, a row click that opens the 3D viewer. The screenshot is kept in
 * test-artifacts/report/.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCif } from '../../../crystal/io/cif.js';
import { siliconCampaign } from '../../campaign/fixtures.js';
import { startTemporalHarness, type TemporalHarness } from '../../helpers/temporal-harness.js';
import { openReport, type OpenedReport } from './report-browser.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'report');

describe('matdisc report', () => {
  let h: TemporalHarness;
  let outDir: string;
  let campaignId: string;
  let report: OpenedReport | undefined;

  beforeAll(async () => {
    // Its own namespace on the shared dev server (registered by the harness), so no other suite's
    // worker takes its tasks. The workers stop once the campaign is done.
    h = await startTemporalHarness({
      namespace: 'report',
      queues: ['cpu', 'dft', 'gpu'],
      concurrency: { dft: 2 },
    });
    outDir = join(h.workDir, 'report');
    try {
      campaignId = `report-alsi-${Date.now()}`;
      const result = await h.runCampaign(
        campaignId,
        siliconCampaign({
          name: 'report-test',
          chemistry: { systems: ['Al-Si'] },
          candidatesPerRound: 4,
        }),
      );
      expect(result.stage).toBe('completed');
    } finally {
      await h.stopWorkers();
    }
  }, 420_000);

  afterAll(async () => {
    await report?.browser.close();
    await h?.stop();
  });

  it('writes index.html and one CIF per candidate, read-only', async () => {
    const run = await execa('node', ['bin/matdisc.js', 'report', campaignId, '--out', outDir, '--json'], {
      cwd: ROOT,
      env: { DATABASE_URL: h.url },
      reject: false,
      timeout: 60_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      index: string;
      candidates: number;
      cifs: number;
      html_kb: number;
    };
    expect(out.index).toBe(join(outDir, 'index.html'));
    expect(out.candidates).toBeGreaterThan(0);
    const html = readFileSync(out.index, 'utf8');
    // Offline: no script, stylesheet or image is fetched from anywhere.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i);
    const data = JSON.parse(
      html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!,
    ) as {
      candidates: { structure_id: string; reduced_formula: string; cif_file: string; n_sites: number }[];
    };
    expect(data.candidates).toHaveLength(out.candidates);
    for (const c of data.candidates) {
      const cif = readFileSync(join(outDir, c.cif_file), 'utf8');
      expect(readCif(cif).species).toHaveLength(c.n_sites);
    }
    const missing = await execa('node', ['bin/matdisc.js', 'report', 'no-such-campaign', '--out', outDir], {
      cwd: ROOT,
      env: { DATABASE_URL: h.url },
      reject: false,
    });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(
      `campaign 'no-such-campaign' not found; recent campaigns: ${campaignId}`,
    );
  }, 90_000);

  it('renders in headless Chromium: plots, a sortable table and the 3D viewer, no errors', async () => {
    report = await openReport(join(outDir, 'index.html'));
    const { page } = report;
    // Plots exist and hold data points: the binary hull (a line and points) and the round chart.
    expect(await page.locator('#hull-plots .plot[data-kind="binary"]').count()).toBe(1);
    expect(await page.locator('#hull-plots .plot .scatterlayer .point').count()).toBeGreaterThan(2);
    expect(await page.locator('#hull-plots .plot .scatterlayer .js-line').count()).toBeGreaterThan(0);
    expect(await page.locator('#kpi-plot .point').count()).toBeGreaterThan(0);
    const converged = Number(
      (
        await h.db.query(
          `SELECT count(*) AS n FROM dft_calculations WHERE campaign_id = $1 AND status = 'converged'`,
          [campaignId],
        )
      ).rows[0]!.n,
    );
    expect(converged).toBeGreaterThan(0);
    // One point per candidate with both numbers (formation energies when the DFT references converged).
    const parity = await page.locator('#parity-plot .scatterlayer .point').count();
    expect(parity).toBeGreaterThan(0);
    expect(parity).toBeLessThanOrEqual(converged);
    expect(await page.locator('#deviation-plot .scatterlayer .point').count()).toBe(parity);
    expect(await page.locator('#round-table tbody tr').count()).toBe(1);

    // Sorting: ascending, then descending, empty cells last.
    const header = page.locator('#candidate-table th[data-key="mlip_energy_per_atom_ev"]');
    const column = async () =>
      (await page.locator('#candidate-table tbody td[data-key="mlip_energy_per_atom_ev"]').allTextContents())
        .filter(Boolean)
        .map(Number);
    await header.click();
    const up = await column();
    expect(up.length).toBeGreaterThan(1);
    expect(up).toEqual([...up].sort((a, b) => a - b));
    await header.click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const down = await column();
    expect(down).toEqual([...up].reverse());

    // A row click opens the 3D view of that structure.
    const row = page.locator('#candidate-table tbody tr').first();
    const id = await row.getAttribute('data-id');
    await row.click();
    await page.waitForSelector('#viewer canvas');
    expect(await page.locator('#viewer canvas').first().boundingBox()).toMatchObject({
      width: expect.any(Number),
    });
    expect(await page.locator('#viewer-caption').textContent()).toContain(`structure ${id}`);
    expect(await row.getAttribute('class')).toContain('selected');

    await page.waitForTimeout(300);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'campaign-report.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'campaign-report.png'))).toBe(true);

    expect(report.problems).toEqual([]);
    for (const url of report.requests) expect(url).toMatch(/^(file|data|blob):/);
  }, 60_000);
});
