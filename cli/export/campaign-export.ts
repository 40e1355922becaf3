/**
 * `matdisc export`: a campaign's data as extended XYZ that ASE reads (`ase.io.read(path, ':')`),
 * one writer for the format (`writeExtxyz`, crystal/io/extxyz.ts), read-only from the database.
 *
 * - candidates: one frame per relaxed candidate (`candidate_review`, origin 'relaxed', by structure
 *   id), the relaxed geometry with the MLIP's prediction and, where DFT ran, its outcome, all in
 *   `info` under names that carry their units (nulls left out): see {@link candidateExtxyzFrame}.
 * - training-set: the DFT labels the MLIP is retrained on (`listTrainingFrames`, the frames
 *   `retrainMlip` writes for the trainer, `trainingExtxyzFrame`), with ASE's own `energy` (eV),
 *   `forces` (eV/Å) and `stress` (eV/Å³) keys.
 */
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { campaignElements } from '../../contracts/campaign-config.js';
import { writeExtxyz, type ExtxyzFrameInput, type ExtxyzValue } from '../../crystal/io/extxyz.js';
import {
  recentCampaignIds,
  relaxedCandidateReview,
  setTransactionReadOnly,
  storedCampaignConfig,
  type CandidateReviewRow,
} from '../../db/campaign-report.js';
import type { Database } from '../../db/database.js';
import type { StructureGeometry } from '../../db/structures.js';
import { structureFromRow } from '../../db/structure-row.js';
import { listTrainingFrames, trainingExtxyzFrame } from '../../db/training-set.js';

export const EXPORT_KINDS = ['candidates', 'training-set'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface ExportResult {
  readonly campaign_id: string;
  readonly kind: ExportKind;
  /** Absolute path of the file written. */
  readonly out: string;
  readonly frames: number;
}

/** A candidate_review row with the geometry and space group columns of migration 009. */
export type CandidateExportRow = Pick<
  CandidateReviewRow,
  | 'structure_id'
  | 'round_index'
  | 'n_sites'
  | 'duplicate_of_id'
  | 'mlip_version_id'
  | 'mlip_energy_per_atom_ev'
  | 'mlip_e_above_hull_ev_per_atom'
  | 'mlip_energy_std_ev_per_atom'
  | 'mlip_max_force_dev_ev_per_a'
  | 'dft_status'
  | 'dft_energy_per_atom_ev'
  | 'dft_formation_energy_per_atom_ev'
  | 'dft_e_above_hull_ev_per_atom'
  | 'dft_confirmed_stable'
  | 'dft_level_of_theory'
> &
  StructureGeometry & {
    readonly space_group_number?: number | null;
    readonly space_group_symbol?: string | null;
  };

/**
 * One candidate's frame: its relaxed geometry and in `info` (absent where the database holds null):
 * `structure_id`, `round_index`, `duplicate_of_structure_id`, `space_group_number`,
 * `space_group_symbol` (moyo, symprec 0.1 Å); the MLIP's `mlip_version_id`, `mlip_energy_ev`
 * (the cell: per atom × atoms), `mlip_energy_per_atom_ev`, `mlip_e_above_hull_ev_per_atom`, and its
 * committee's uncertainty `mlip_energy_std_ev_per_atom` and `mlip_max_force_dev_ev_per_a`; and of
 * the latest DFT calculation `dft_status`, `dft_energy_ev` (the cell), `dft_energy_per_atom_ev`,
 * `dft_formation_energy_per_atom_ev`, `dft_e_above_hull_ev_per_atom`, `dft_confirmed_stable`,
 * `dft_level_of_theory`. No `energy` key: ASE would take it for the calculator's energy, which
 * here could be either the MLIP's or DFT's.
 */
export function candidateExtxyzFrame(row: CandidateExportRow): ExtxyzFrameInput {
  const structure = structureFromRow(row);
  const n = structure.species.length;
  const perCell = (perAtom: number | null) => (perAtom === null ? null : perAtom * n);
  const id = (text: string | null) => (text === null ? null : Number(text));
  const values: Record<string, ExtxyzValue | null | undefined> = {
    structure_id: Number(row.structure_id),
    round_index: row.round_index,
    duplicate_of_structure_id: id(row.duplicate_of_id),
    space_group_number: row.space_group_number,
    space_group_symbol: row.space_group_symbol,
    mlip_version_id: id(row.mlip_version_id),
    mlip_energy_ev: perCell(row.mlip_energy_per_atom_ev),
    mlip_energy_per_atom_ev: row.mlip_energy_per_atom_ev,
    mlip_e_above_hull_ev_per_atom: row.mlip_e_above_hull_ev_per_atom,
    mlip_energy_std_ev_per_atom: row.mlip_energy_std_ev_per_atom,
    mlip_max_force_dev_ev_per_a: row.mlip_max_force_dev_ev_per_a,
    dft_status: row.dft_status,
    dft_energy_ev: perCell(row.dft_energy_per_atom_ev),
    dft_energy_per_atom_ev: row.dft_energy_per_atom_ev,
    dft_formation_energy_per_atom_ev: row.dft_formation_energy_per_atom_ev,
    dft_e_above_hull_ev_per_atom: row.dft_e_above_hull_ev_per_atom,
    dft_confirmed_stable: row.dft_confirmed_stable,
    dft_level_of_theory: row.dft_level_of_theory,
  };
  const info: Record<string, ExtxyzValue> = {};
  for (const [key, v] of Object.entries(values))
    if (v !== null && v !== undefined && !(typeof v === 'number' && !Number.isFinite(v))) info[key] = v;
  return { structure, info };
}

/** The default `--out`: `<campaign id>-<kind>.extxyz` in the working directory. */
export function defaultExportFile(campaignId: string, kind: ExportKind): string {
  return `${campaignId.replace(/[^A-Za-z0-9._-]+/g, '_')}-${kind}.extxyz`;
}

/**
 * Checks that `out` can be written before anything is read: not a folder, its folder created if
 * missing and writable. Throws naming `--out` and the fix.
 */
export async function checkExportTarget(out: string): Promise<string> {
  const path = resolve(out);
  const fail = (why: string, err?: unknown): never => {
    throw new Error(`--out ${out}: ${why}; choose a file in a folder you can write`, { cause: err });
  };
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) fail('is a folder, not a file (name the file, e.g. --out DIR/export.extxyz)');
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : code;
    fail(`cannot create its folder ${dir} (${why})`, err);
  }
  try {
    await access(dir, constants.W_OK);
    if (existing) await access(path, constants.W_OK);
  } catch (err) {
    fail(`is not writable (${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
  }
  return path;
}

/** Writes the text through a temporary file and a rename, so a failed write leaves no half file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new Error(
      `--out ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a file in a folder you can write`,
      { cause: err },
    );
  }
}

/**
 * Reads the frames of `kind` for the campaign and writes them to `out` (checked with
 * {@link checkExportTarget}). Throws, writing nothing, when the campaign does not exist (naming
 * recent ones) or has nothing of that kind yet.
 */
export async function exportCampaign(
  db: Database,
  campaignId: string,
  kind: ExportKind,
  out: string,
): Promise<ExportResult> {
  const read = await db.transaction(async (client) => {
    await setTransactionReadOnly(client);
    const config = await storedCampaignConfig(client, campaignId);
    if (!config) {
      const ids = await recentCampaignIds(client);
      throw new Error(
        `--campaign: no campaign '${campaignId}' in this database${ids.length ? `; recent campaigns: ${ids.join(', ')}` : ' (it holds no campaigns)'} (\`matdisc campaign list\` lists them; --data-dir or DATABASE_URL picks the database)`,
      );
    }
    const candidates = kind === 'candidates' ? await relaxedCandidateReview(client, campaignId) : undefined;
    return { config, candidates };
  });
  // Outside the transaction: listTrainingFrames takes a connection of its own.
  const written: readonly ExtxyzFrameInput[] = read.candidates
    ? read.candidates.map((r) => candidateExtxyzFrame(r as unknown as CandidateExportRow))
    : (
        await listTrainingFrames(
          db,
          campaignId,
          campaignElements({
            chemistry: {
              systems: read.config.chemistry?.systems ?? [],
              compositions: read.config.chemistry?.compositions ?? [],
            },
          }),
        )
      ).map(trainingExtxyzFrame);
  if (written.length === 0)
    throw new Error(
      kind === 'candidates'
        ? `campaign '${campaignId}' has no relaxed candidates yet; nothing written (export again after its first round has relaxed)`
        : `campaign '${campaignId}' has no converged DFT labels yet; nothing written (export again after a round's DFT has converged)`,
    );
  await writeAtomically(out, writeExtxyz(written));
  return { campaign_id: campaignId, kind, out, frames: written.length };
}
