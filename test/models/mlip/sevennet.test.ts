/**
 * SevenNet-0 through our ONNX file and TypeScript runtime equals SevenNet through its own code:
 * 20 MP-20 test structures (read with our CIF reader) are evaluated by `MlipModel.predict`
 * (our neighbour list, the exported graph, force/stress assembly in TypeScript) and by sevenn's
 * ASE calculator in the trainer's venv (`python -m matdisc_training.sevennet.reference`, its own
 * neighbour list and autograd forces/stress). Nothing is hard-coded: both sides run here.
 * The physics suite (potential-conformance.test.ts) runs over this model as over every other.
 */
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCif } from '../../../crystal/io/cif.js';
import { Structure } from '../../../crystal/structure.js';
import { MlipModel, type Prediction } from '../../../models/mlip/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const MODEL = join(ROOT, 'models', 'mlip', 'sevennet-0.onnx');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const MP20_TEST = resolve(ROOT, '..', 'shared', 'data', 'mp_20', 'pilot_first1000', 'test.csv.gz');
const N_STRUCTURES = 20;

interface Reference {
  readonly energy_ev: number;
  readonly forces_ev_per_a: number[][];
  readonly stress_ev_per_a3: number[][];
}

/** sevenn's own calculator on the same structures (lattice rows and Cartesian positions in Å). */
async function sevennReference(structures: readonly Structure[]): Promise<Reference[]> {
  const input = structures.map((s) => ({
    lattice: s.lattice,
    species: s.species,
    cart: Structure.cartCoords(s),
  }));
  const run = await execa(PYTHON, ['-m', 'matdisc_training.sevennet.reference'], {
    cwd: join(ROOT, 'models', 'training'),
    input: JSON.stringify(input),
    timeout: 600_000,
  });
  return JSON.parse(run.stdout) as Reference[];
}

describe('sevennet-0: ONNX in the TypeScript runtime == sevenn in PyTorch', () => {
  let model: MlipModel;
  let structures: Structure[];
  let ids: string[];
  let ours: Prediction[];
  let theirs: Reference[];

  beforeAll(async () => {
    expect(existsSync(MODEL), `${MODEL} (python -m matdisc_training sevennet-export)`).toBe(true);
    expect(existsSync(PYTHON), `${PYTHON} (bash scripts/setup.sh)`).toBe(true);
    const rows = parse(gunzipSync(readFileSync(MP20_TEST)).toString('utf8'), { columns: true }) as {
      cif: string;
      material_id: string;
    }[];
    const picked = rows.slice(0, N_STRUCTURES);
    ids = picked.map((r) => r.material_id);
    structures = picked.map((r) => readCif(r.cif, { source: r.material_id }));
    model = await MlipModel.load(MODEL, { executionProviders: 'cpu' });
    [ours, theirs] = await Promise.all([model.predict(structures), sevennReference(structures)]);
  }, 900_000);
  afterAll(async () => model?.dispose());

  it('has the card the runtime needs: one member, 5 Å cutoff, the sevenn source recorded', () => {
    expect(model.members).toBe(1);
    expect(model.cutoff).toBe(5);
    expect(model.card.elements).toEqual(expect.arrayContaining(['H', 'O', 'Fe', 'Si', 'Cu', 'Ni', 'Pu']));
    const source = (model.card as { source?: { package?: string; checkpoint_sha256?: string } }).source;
    expect(source?.package).toBe('sevenn');
    expect(source?.checkpoint_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it(`energies of ${N_STRUCTURES} MP-20 structures agree within 1e-4 eV/atom`, () => {
    expect(theirs).toHaveLength(structures.length);
    let worst = 0;
    structures.forEach((s, k) => {
      const n = s.species.length;
      const diff = Math.abs(ours[k]!.energyEv - theirs[k]!.energy_ev) / n;
      worst = Math.max(worst, diff);
      expect(diff, `${ids[k]}: ${ours[k]!.energyEv} vs ${theirs[k]!.energy_ev} eV`).toBeLessThan(1e-4);
    });
    console.log(`sevennet-0 ONNX vs sevenn: max |ΔE| = ${worst.toExponential(2)} eV/atom`);
  });

  it('forces agree within 1e-3 eV/Å and stress within 1e-5 eV/Å³', () => {
    let worstF = 0;
    let worstS = 0;
    structures.forEach((s, k) => {
      ours[k]!.forcesEvPerA.forEach((f, i) =>
        f.forEach((v, c) => (worstF = Math.max(worstF, Math.abs(v - theirs[k]!.forces_ev_per_a[i]![c]!)))),
      );
      ours[k]!.stressEvPerA3.forEach((row, a) =>
        row.forEach((v, b) => (worstS = Math.max(worstS, Math.abs(v - theirs[k]!.stress_ev_per_a3[a]![b]!)))),
      );
    });
    console.log(
      `sevennet-0 ONNX vs sevenn: max |ΔF| = ${worstF.toExponential(2)} eV/Å, max |Δσ| = ${worstS.toExponential(2)} eV/Å³`,
    );
    expect(worstF).toBeLessThan(1e-3);
    expect(worstS).toBeLessThan(1e-5);
  });
});
