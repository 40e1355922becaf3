/**
 * The report page without a database: hull diagrams from made-up data (a binary and a ternary
 * system, see synthetic-report.ts) and the page that shows them, in headless Chromium.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hullDiagrams } from '../../../cli/report/hull-diagram.js';
import { renderReportHtml } from '../../../cli/report/html-template.js';
import { toPageData } from '../../../cli/report/page-data.js';
import { loadReportAssets } from '../../../cli/report/report-assets.js';
import { openReport } from './report-browser.js';
import { syntheticReport } from './synthetic-report.js';

const names = (pairs: readonly (readonly [{ formula: string }, { formula: string }])[]) =>
  pairs.map(([a, b]) => [a.formula, b.formula].sort().join('-')).sort();

describe('report page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'matdisc-report-page-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws one hull per level of theory: binary vertices, ternary tie lines', async () => {
    const [ternary, binary] = await hullDiagrams(syntheticReport());
    expect(ternary!.system).toBe('Li-O-Si');
    expect(ternary!.kind).toBe('ternary');
    expect(binary!.kind).toBe('binary');
    const dft = ternary!.series.find((s) => s.level_of_theory === 'qe:test:abc')!;
    expect(dft.points.map((p) => p.formula).sort()).toEqual(['Li2O', 'Li2SiO3', 'SiO2']);
    // Six stable phases, two of them on the triangle's edges: 3·6 − 3 − 5 = 10 tie lines.
    expect(names(dft.tie_lines)).toEqual(
      [
        'Li-Li2O',
        'Li-Si',
        'Li2O-Li2SiO3',
        'Li2O-O',
        'Li2O-Si',
        'Li2SiO3-O',
        'Li2SiO3-Si',
        'Li2SiO3-SiO2',
        'O-SiO2',
        'Si-SiO2',
      ].sort(),
    );
    // Ge3Si is below the Ge-Si line of its MLIP version: a vertex there, with E_hull 0.
    const v1 = binary!.series.find((s) => s.level_of_theory === 'mlip:1')!;
    expect(v1.hull.map((p) => p.formula)).toEqual(['Ge', 'Ge3Si', 'Si']);
    expect(v1.points.find((p) => p.formula === 'GeSi')!.e_above_hull_ev_per_atom).toBeCloseTo(
      0.02 + 0.01 * (2 / 3),
      6,
    );
  });

  it('shows a ternary and a binary diagram with their points, and a table with extra columns', async () => {
    const data = syntheticReport();
    const page = toPageData(data, await hullDiagrams(data), new Date());
    mkdirSync(join(dir, 'cifs'));
    for (const c of page.candidates) writeFileSync(join(dir, c.cif_file), c.cif);
    writeFileSync(join(dir, 'index.html'), renderReportHtml(page, loadReportAssets()));
    const report = await openReport(join(dir, 'index.html'));
    try {
      const { page: p } = report;
      expect(await p.getAttribute('body', 'data-ready')).toBe('true');
      // 2 + 3 MLIP points and 3 DFT points in Li-O-Si; 2 + 1 MLIP and 2 DFT in Ge-Si.
      expect(await p.locator('.plot[data-kind="ternary"] .scatterlayer .point').count()).toBe(8);
      expect(await p.locator('.plot[data-kind="binary"] .scatterlayer .point').count()).toBe(5);
      expect(await p.locator('#parity-plot .scatterlayer .point').count()).toBe(5);
      expect(await p.locator('#parity-plot .xtitle').textContent()).toBe('DFT formation energy (eV/atom)');
      // Columns of later migrations show up when they hold something.
      expect(await p.locator('#candidate-table th[data-key="dft_confirmed_stable"]').count()).toBe(1);
      expect(await p.locator('#candidate-table th[data-key="lab_device"]').count()).toBe(0);
      await p.locator('#candidate-table th[data-key="reduced_formula"]').click();
      const formulas = await p
        .locator('#candidate-table tbody td[data-key="reduced_formula"]')
        .allTextContents();
      expect(formulas).toEqual([...formulas].sort((a, b) => a.localeCompare(b)));
      await p.locator('#candidate-table tbody tr', { hasText: 'Li2SiO3' }).click();
      await p.waitForSelector('#viewer canvas');
      expect(await p.locator('#viewer-caption').textContent()).toContain('Li2SiO3');
      expect(report.problems).toEqual([]);
      expect(report.requests.every((u) => u.startsWith('file:'))).toBe(true);
    } finally {
      await report.browser.close();
    }
  }, 60_000);
});
