/**
 * Marks a campaign's DFT elemental references (`activities/campaign/dft-references.ts`) as already
 * computed, as an earlier campaign at the same level of theory would have left them, so that a
 * test campaign's first round runs only its candidates' DFT. For the reliability tests, where the
 * references are not under test and their vc-relax would add a minute per campaign on two cores.
 * The energies are placeholders (the test profile's Si diamond SCF, -155.28 eV/atom, for every
 * element): nothing these tests check depends on them.
 */
import { campaignDftLevel, dftReferenceKey } from '../../activities/campaign/dft-references.js';
import { elementalGroundState } from '../../campaign/elemental-references.js';
import { campaignElements } from '../../contracts/campaign-config.js';
import type { Database } from '../../db/database.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { structureRow } from '../../db/structure-row.js';
import type { CampaignConfig } from '../../contracts/campaign-config.js';

const PLACEHOLDER_EV_PER_ATOM = -155.28;

export async function seedDftReferences(db: Database, config: CampaignConfig): Promise<void> {
  const level = campaignDftLevel(config);
  for (const element of campaignElements(config)) {
    const gs = elementalGroundState(element);
    if (!gs) throw new Error(`no elemental ground state for ${element}`);
    const structure = await insertOnce(
      db,
      'structures',
      structureRow(gs.structure, 'reference'),
      `elemental-ground-state:${element}:${gs.prototype}`,
    );
    await insertOnce(
      db,
      'dft_calculations',
      {
        structure_id: structure.id,
        engine: config.dft.engine,
        calculation: 'vc-relax',
        profile_name: config.dft.profile,
        profile: {},
        level_of_theory: level,
        status: 'converged',
        energy_ev: PLACEHOLDER_EV_PER_ATOM * gs.structure.species.length,
        energy_per_atom_ev: PLACEHOLDER_EV_PER_ATOM,
        scf_converged: true,
        ionic_converged: true,
      },
      dftReferenceKey(level, element),
    );
  }
}
