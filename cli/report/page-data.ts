/**
 * The JSON a report page embeds (`<script type="application/json" id="report-data">`) and
 * `page-script.js` reads: ids as strings, energies in eV/atom, CIF text for the 3D viewer and
 * the relative path of each candidate's CIF file.
 */
import { writeCif } from '../../crystal/io/cif.js';
import type { HullDiagram } from './hull-diagram.js';
import type { ReportCandidate, ReportData, ReportRound } from './report-data.js';

export interface PageCandidate extends Omit<ReportCandidate, 'structure'> {
  /** P1 CIF of the structure (our CIF writer), for the viewer. */
  readonly cif: string;
  /** Path of the CIF file relative to the page, e.g. 'cifs/42-GeSi.cif'. */
  readonly cif_file: string;
}

export interface PageData {
  readonly campaign_id: string;
  readonly name: string;
  readonly status: string;
  readonly generated_at: string;
  readonly summary: ReportData['summary'];
  readonly rounds: readonly ReportRound[];
  readonly candidates: readonly PageCandidate[];
  readonly hull: readonly HullDiagram[];
}

/** File name of a candidate's CIF: `<structure id>-<formula>.cif`. */
export const cifFileName = (c: Pick<ReportCandidate, 'structure_id' | 'reduced_formula'>): string =>
  `${c.structure_id}-${c.reduced_formula.replace(/[^A-Za-z0-9]/g, '')}.cif`;

export function toPageData(data: ReportData, hull: readonly HullDiagram[], generatedAt: Date): PageData {
  return {
    campaign_id: data.campaign_id,
    name: data.name,
    status: data.status,
    generated_at: generatedAt.toISOString(),
    summary: data.summary,
    rounds: data.rounds,
    candidates: data.candidates.map(({ structure, ...rest }) => ({
      ...rest,
      cif: writeCif(structure, { name: `${rest.reduced_formula}_${rest.structure_id}` }),
      cif_file: `cifs/${cifFileName(rest)}`,
    })),
    hull,
  };
}
