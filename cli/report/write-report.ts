/**
 * `writeReport`: a campaign report in a directory — `index.html` (self-contained: scripts,
 * styles and data inlined) and `cifs/<structure id>-<formula>.cif` for every candidate, written
 * with our CIF writer. Reads the database only (report-data.ts).
 *
 * ```ts
 * await writeReport(db, 'demo-2026-11-28t16-43-45-943z', 'report/')
 * // { index: '/abs/report/index.html', cifs: 22, html_kb: 2110, … }
 * ```
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '../../db/database.js';
import { renderReportHtml } from './html-template.js';
import { hullDiagrams } from './hull-diagram.js';
import { toPageData } from './page-data.js';
import { loadReportAssets } from './report-assets.js';
import { loadReportData } from './report-data.js';

export interface WrittenReport {
  readonly campaign_id: string;
  /** Absolute path of the page. */
  readonly index: string;
  readonly candidates: number;
  readonly rounds: number;
  /** CIF files written under `cifs/`. */
  readonly cifs: number;
  /** Size of index.html, kB (1000 bytes). */
  readonly html_kb: number;
}

export async function writeReport(db: Database, campaignId: string, outDir: string): Promise<WrittenReport> {
  const data = await loadReportData(db, campaignId);
  const page = toPageData(data, await hullDiagrams(data), new Date());
  const dir = resolve(outDir);
  mkdirSync(join(dir, 'cifs'), { recursive: true });
  for (const c of page.candidates) writeFileSync(join(dir, c.cif_file), c.cif);
  const html = renderReportHtml(page, loadReportAssets());
  const index = join(dir, 'index.html');
  writeFileSync(index, html);
  return {
    campaign_id: campaignId,
    index,
    candidates: page.candidates.length,
    rounds: page.rounds.length,
    cifs: page.candidates.length,
    html_kb: Math.round(Buffer.byteLength(html) / 1000),
  };
}
