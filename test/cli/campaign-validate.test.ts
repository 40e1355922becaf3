/**
 * `matdisc campaign validate`: every check of `campaign start`, with no Temporal server (the
 * environment has no TEMPORAL_ADDRESS here), on the chemistries people search: oxides, nitrides,
 * chalcogenides, halides, intermetallics, borides and phosphides.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCampaign } from '../../cli/commands/campaign.js';
import { runCommand } from '../helpers/run-command.js';
import { MORSE } from '../campaign/fixtures.js';

interface ValidateDocument {
  valid?: boolean;
  elements?: string[];
  error?: string;
  issues?: { field: string; message: string }[];
}

describe('campaign validate', () => {
  let dir: string;
  const saved = process.env.TEMPORAL_ADDRESS;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-validate-'));
    delete process.env.TEMPORAL_ADDRESS;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved !== undefined) process.env.TEMPORAL_ADDRESS = saved;
  });

  async function validate(name: string, text: string): Promise<{ doc: ValidateDocument; exitCode: number }> {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    process.exitCode = 0;
    const out = await runCommand([registerCampaign], ['campaign', 'validate', file, '--json']);
    const exitCode = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { doc: JSON.parse(out) as ValidateDocument, exitCode };
  }

  const config = (system: string, mlip = 'sevennet-0', generator = 'diffcsp-mp20') => `
name: validate-${system}
chemistry: { systems: [${system}] }
rounds: 1
candidatesPerRound: 8
generator: { model: ${generator} }
mlip: { model: ${mlip} }
dft: { profile: test, budgetPerRound: 2, budgetTotal: 2 }
`;

  it.each(['Mg-O', 'Ca-N', 'Cd-Te', 'K-Se', 'Rb-I', 'Ga-Ni', 'Al-N', 'Fe-O', 'Ca-F', 'B-Ti', 'In-P'])(
    'accepts %s with the diffusion generator and sevennet-0',
    async (system) => {
      const { doc, exitCode } = await validate(system, config(system));
      expect(doc.issues ?? []).toEqual([]);
      expect(exitCode).toBe(0);
      expect(doc.valid).toBe(true);
      expect(doc.elements).toEqual(system.split('-').sort());
    },
  );

  it('rejects only elements without a pseudopotential or outside the MLIP, naming them and the fix', async () => {
    const { doc, exitCode } = await validate('polonium', config('Mg-Po', 'sevennet-0', 'prototypes'));
    expect(exitCode).toBe(1);
    const byField = Object.fromEntries(doc.issues!.map((i) => [i.field, i.message]));
    expect(Object.keys(byField).sort()).toEqual(['chemistry', 'mlip.model']);
    expect(byField['mlip.model']).toMatch(/does not support Po\b.*choose other chemistry or another MLIP/);
    expect(byField.chemistry).toMatch(
      /no pseudopotential for Po\b.*remove these elements or add their UPF files/,
    );
  });

  it('rejects a schema error without reading any model, naming the field', async () => {
    const { doc, exitCode } = await validate(
      'typo',
      config('Si', MORSE, 'prototypes').replace('rounds', 'roundz'),
    );
    expect(exitCode).toBe(1);
    expect(doc.issues!.map((i) => i.field)).toContain('(top level)');
    expect(doc.error).toMatch(/unknown field\(s\) "roundz"/);
  });
});
