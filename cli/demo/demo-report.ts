/**
 * The report `matdisc demo` writes at the end of its campaign: `<data dir>/reports/<campaign id>/`
 * (index.html + cifs/), the same page `matdisc report` writes. A report that cannot be written
 * does not fail the demo; the error is returned instead.
 */
import { join } from 'node:path';
import type { Database } from '../../db/database.js';
import { writeReport } from '../report/write-report.js';

export interface DemoReport {
  /** Absolute path of index.html, or null when writing failed. */
  readonly index: string | null;
  readonly html_kb: number | null;
  readonly error: string | null;
}

export async function writeDemoReport(
  db: Database,
  campaignId: string,
  dataDir: string,
): Promise<DemoReport> {
  try {
    const report = await writeReport(db, campaignId, join(dataDir, 'reports', campaignId));
    return { index: report.index, html_kb: report.html_kb, error: null };
  } catch (err) {
    return { index: null, html_kb: null, error: err instanceof Error ? err.message : String(err) };
  }
}
