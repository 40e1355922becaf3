/**
 * The demo's answer key (cli/demo/known-phases.ts): its system is really held out of the diffusion
 * generator's training rows, its known stable phase is read from MP-20's test rows, and the verdict
 * line only claims a rediscovery for a candidate that is both matched and DFT-confirmed.
 */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEMO_SYSTEM } from '../../cli/demo/demo-campaign.js';
import { findingLines, knownPhasesOf, type DemoFindings } from '../../cli/demo/known-phases.js';
import { sharedDataDir } from '../../cli/paths.js';
import card from '../../models/generator/diffcsp-mp20.card.json' with { type: 'json' };

const dataDir = sharedDataDir()!;
const elements = DEMO_SYSTEM.split('-');

describe('matdisc demo: known phases', () => {
  it('finds ../shared/data beside the checkout', () => {
    expect(dataDir).toBeDefined();
  });

  it("no row of the generator's training files has exactly the demo's elements (it never saw a Li-F compound)", () => {
    const files = card.metrics.data.training_files_for_novelty;
    expect(files.length).toBeGreaterThan(0);
    let rows = 0;
    for (const file of files) {
      const text = gunzipSync(readFileSync(join(dataDir, 'mp_20', file))).toString('utf8');
      for (const row of parse(text, { columns: true }) as { elements: string }[]) {
        rows++;
        const els = JSON.parse(row.elements.replace(/'/g, '"')) as string[];
        expect(elements.every((e) => els.includes(e)) && els.length === elements.length, row.elements).toBe(
          false,
        );
      }
    }
    expect(rows).toBe(card.metrics.data.training_rows);
  });

  it('reads rocksalt LiF (mp-1138, Fm-3m, on the MP hull) as the known stable phase of Li-F', async () => {
    const known = await knownPhasesOf(elements, dataDir);
    const stable = known.filter((p) => p.eAboveHullEvPerAtom === 0);
    expect(stable.map((p) => [p.id, p.formula, p.spaceGroupSymbol])).toEqual([['mp-1138', 'LiF', 'Fm-3m']]);
  });

  it('claims a rediscovery only for a matched candidate the DFT hull confirms', () => {
    const base: DemoFindings = {
      source: 'mp_20 test rows',
      knownPhases: [{ id: 'mp-1138', formula: 'LiF', spaceGroupSymbol: 'Fm-3m', eAboveHullEvPerAtom: 0 }],
      candidates: [
        {
          structureId: '7',
          formula: 'LiF',
          spaceGroupSymbol: 'P6_3mc',
          status: 'converged',
          eAboveHullEvPerAtom: 0,
          formationEnergyPerAtomEv: -3.1,
          onDftHull: true,
          knownPhase: null,
          rms: null,
        },
      ],
      rediscovered: [],
    };
    const none = findingLines('Li-F', base);
    expect(none.at(-1)).toMatch(/^Rediscovered: none/);
    expect(none.join('\n')).toContain(
      'LiF P6_3mc (structure 7): DFT e_above_hull 0.000 eV/atom (confirmed stable); matches no known phase',
    );
    const found = findingLines('Li-F', { ...base, rediscovered: ['mp-1138'] });
    expect(found.at(-1)).toMatch(/^Rediscovered: mp-1138 LiF \(Fm-3m\)/);
    expect(findingLines('Li-F', { ...base, source: null })[0]).toMatch(/not checked .*MATDISC_SHARED_DATA/);
  });
});
