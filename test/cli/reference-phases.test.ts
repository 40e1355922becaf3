/**
 * `campaign start` and the known phases of its systems (cli/reference-phases.ts): the notice when
 * no known compound of the campaign's systems is among the reference phases, and
 * `--import-reference FILE`, which imports the phases of those systems (and their subsystems) only,
 * with the import of `matdisc db import-reference`, before the campaign starts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCampaign } from '../../cli/commands/campaign.js';
import {
  knownPhasesNotice,
  prepareReferencePhases,
  referenceSourceName,
} from '../../cli/reference-phases.js';
import { writeExtxyz } from '../../crystal/io/extxyz.js';
import { Lattice } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { runCommand } from '../helpers/run-command.js';
import { MORSE } from '../campaign/fixtures.js';

const pair = (a: string, b: string, lattice: number) =>
  Structure.create(
    Lattice.fcc(lattice),
    [a, b],
    [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ],
  );

describe('knownPhasesNotice', () => {
  it('names the import command when a multi-element system has no known compound', () => {
    const notice = knownPhasesNotice(['Cl-Na', 'Si'], 0);
    expect(notice).toMatch(/^no known compound of Cl-Na, Si is among the reference phases/);
    expect(notice).toContain('`matdisc db import-reference FILE`');
    expect(notice).toContain('`--import-reference FILE`');
  });
  it('says nothing when a compound is known, or when every system is one element', () => {
    expect(knownPhasesNotice(['Cl-Na'], 1)).toBeNull();
    expect(knownPhasesNotice(['Si', 'Ge'], 0)).toBeNull();
  });
});

describe('campaign start --import-reference', () => {
  let dir: string;
  let t: TestDatabase;
  let referenceFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-reference-phases-'));
    t = await openTestDatabase('pglite', { migrated: true });
    referenceFile = join(dir, 'known-phases.extxyz');
    writeFileSync(
      referenceFile,
      writeExtxyz([
        {
          structure: pair('Na', 'Cl', 5.64),
          info: { material_id: 'mp-22862', formation_energy_per_atom: -2.1 },
        },
        {
          structure: Structure.create(
            Lattice.cubic(4.23),
            ['Na', 'Na'],
            [
              [0, 0, 0],
              [0.5, 0.5, 0.5],
            ],
          ),
          info: { material_id: 'mp-10172', formation_energy_per_atom: 0 },
        },
        {
          structure: pair('K', 'Cl', 6.29),
          info: { material_id: 'mp-23193', formation_energy_per_atom: -2.2 },
        },
      ]),
    );
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports only the phases of the campaign's systems and subsystems, after which the notice goes", async () => {
    const before = await prepareReferencePhases(t.db, ['Cl-Na'], [], () => undefined);
    expect(before).toMatchObject({ imports: [], knownCompounds: 0 });
    expect(before.notice).toMatch(/no known compound of Cl-Na/);

    const lines: string[] = [];
    const after = await prepareReferencePhases(t.db, ['Cl-Na'], [referenceFile], (l) => lines.push(l));
    expect(after.imports).toEqual([
      expect.objectContaining({
        source: referenceSourceName(referenceFile),
        read: 3,
        imported: 2,
        already_present: 0,
        other_systems: 1,
        rejected: [],
      }),
    ]);
    expect(after.knownCompounds).toBe(1);
    expect(after.notice).toBeNull();
    expect(lines.join('\n')).toMatch(/imported 2 phases of Cl-Na and their subsystems .*other systems 1/);
    const stored = await t.db.query<{ external_id: string; chemical_system: string }>(
      'SELECT external_id, chemical_system FROM reference_phases ORDER BY external_id',
    );
    expect(stored.rows).toEqual([
      { external_id: 'mp-10172', chemical_system: 'Na' },
      { external_id: 'mp-22862', chemical_system: 'Cl-Na' },
    ]);
    expect(referenceSourceName(referenceFile)).toBe('known-phases');
  });

  it('campaign start refuses a missing --import-reference file before it starts anything', async () => {
    const config = join(dir, 'si.yaml');
    writeFileSync(
      config,
      `
name: reference-start
chemistry: { systems: [Si] }
rounds: 1
candidatesPerRound: 4
generator: { model: prototypes }
mlip: { model: ${MORSE} }
dft: { profile: test, budgetPerRound: 1, budgetTotal: 1 }
`,
    );
    const missing = join(dir, 'no-such-phases.csv');
    process.exitCode = 0;
    const out = await runCommand(
      [registerCampaign],
      ['campaign', 'start', config, '--import-reference', missing, '--data-dir', join(dir, 'data'), '--json'],
    );
    const exitCode = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    expect(exitCode).toBe(1);
    const doc = JSON.parse(out) as { error: string };
    expect(doc.error).toContain(missing);
    expect(doc.error).toMatch(/does not exist|no such file/i);
  });
});
