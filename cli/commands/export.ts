/**
 * `matdisc export candidates|training-set --campaign ID [--out FILE]`: a campaign's candidates or
 * its DFT training labels as extended XYZ that ASE reads (cli/export/campaign-export.ts).
 *
 * The database is found like `campaign list` finds it (cli/stack/stack-endpoints.ts): DATABASE_URL
 * when set, else the running stack of the data dir (`matdisc dev`), else the data dir's own
 * embedded database, opened for the export.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportKind } from '../export/campaign-export.js';
import { log, printError, printResult } from '../output.js';

interface ExportOptions {
  readonly campaign: string;
  readonly out?: string;
  readonly dataDir?: string;
  readonly json?: boolean;
}

async function runExport(kind: ExportKind, opts: ExportOptions): Promise<void> {
  const { checkExportTarget, defaultExportFile, exportCampaign } =
    await import('../export/campaign-export.js');
  const { describeHolder, resolveStackEndpoints } = await import('../stack/stack-endpoints.js');
  const { withDatabase } = await import('../stack/with-database.js');
  if (opts.campaign.trim() === '') throw new Error('--campaign: the id is empty; give a campaign id');
  const out = await checkExportTarget(opts.out ?? defaultExportFile(opts.campaign, kind));
  const ep = await resolveStackEndpoints({ dataDir: opts.dataDir });
  if (!ep.database) {
    if (!existsSync(join(ep.dataDir, 'pglite')))
      throw new Error(
        `--campaign ${opts.campaign}: ${ep.dataDir} has no database (no campaign ran there): pass the campaign's --data-dir, or set DATABASE_URL to its database`,
      );
    log(`no running stack for ${ep.dataDir}: reading its database`);
  } else if (ep.stack && ep.database.source === 'stack')
    log(`reading the database through ${describeHolder(ep.stack)}, the running stack of ${ep.dataDir}`);
  const result = await withDatabase((db) => exportCampaign(db, opts.campaign, kind, out), { endpoints: ep });
  printResult(
    Boolean(opts.json),
    result,
    () =>
      `${result.out}: ${result.frames} ${kind === 'candidates' ? 'candidates' : 'DFT labels'} of ${result.campaign_id}`,
  );
}

export function registerExport(program: Command): void {
  const exportCommand = program
    .command('export')
    .description(
      "a campaign's candidates or DFT training labels as extended XYZ (ASE: ase.io.read(FILE, ':'))",
    );
  const common = (name: ExportKind, description: string) =>
    exportCommand
      .command(name)
      .description(description)
      .requiredOption('--campaign <id>', 'the campaign (`matdisc campaign list` lists them)')
      .option(
        '--out <file>',
        `extended XYZ file to write, replaced if it exists (default: <campaign id>-${name}.extxyz)`,
      )
      .option(
        '--data-dir <dir>',
        'data dir whose stack (or, with none running, whose database) to read (default: MATDISC_DATA_DIR or .data); DATABASE_URL wins',
      )
      .option('--json', 'print {"campaign_id","kind","out","frames"}, or {"error","issues"} when refused')
      .action(async (opts: ExportOptions) => {
        try {
          await runExport(name, opts);
        } catch (err) {
          printError(Boolean(opts.json), err);
        }
      });
  common(
    'candidates',
    'relaxed candidates with the MLIP prediction (energy, e_above_hull, committee uncertainty), space group and, where DFT ran, its energies; units in the info keys',
  );
  common(
    'training-set',
    "the DFT labels the MLIP is retrained on (the campaign's and its elements' references): energy (eV), forces (eV/Å), stress (eV/Å³)",
  );
}
