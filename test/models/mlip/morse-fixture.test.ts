/**
 * The runtime against the analytic Morse committee: exact energies, per-member forces, DP-GEN
 * uncertainty, cards, batching limits, model resolution and trust levels.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContractError,
  MlipModel,
  ModelCardError,
  ModelLoadError,
  parseModelCard,
  resolveModelPath,
  trustLevel,
  UnsupportedElementError,
} from '../../../models/mlip/index.js';
import { acquireSession, releaseSession } from '../../../models/onnx/session-pool.js';
import { FIXTURES, MORSE, MORSE_IDENTICAL, MORSE_PARAMS, MORSE_WIDE } from './models.js';
import { morseEvaluate, readMorseParams } from './morse-reference.js';
import { fcc, maxAbsDiff, rattle, rockSalt, triclinicTernary } from './structures.js';

const params = readMorseParams(MORSE_PARAMS);
const crystals = [
  rattle(triclinicTernary(), 0.05, 2),
  rattle(rockSalt('Na', 'Cl', 5.5), 0.1, 3),
  rattle(fcc('Cu', 3.55), 0.08, 4),
];

describe('Morse committee fixture', () => {
  let model: MlipModel;
  beforeAll(async () => {
    model = await MlipModel.load(MORSE, { executionProviders: 'cpu' });
  });
  afterAll(async () => model.dispose());

  it('member energies equal the analytic Morse sum; forces and stress match it', async () => {
    const predictions = await model.predict(crystals);
    predictions.forEach((p, k) => {
      const ref = morseEvaluate(params, crystals[k]!);
      for (let m = 0; m < ref.members.length; m++) {
        expect(Math.abs(p.members[m]! - ref.members[m]!)).toBeLessThan(
          2e-6 * Math.abs(ref.members[m]!) + 1e-6,
        );
      }
      expect(Math.abs(p.energyEv - ref.energyEv)).toBeLessThan(2e-6 * Math.abs(ref.energyEv));
      expect(maxAbsDiff(p.forcesEvPerA, ref.forcesEvPerA)).toBeLessThan(1e-5);
      expect(maxAbsDiff(p.stressEvPerA3, ref.stressEvPerA3)).toBeLessThan(1e-7);
    });
  });

  it("uncertainty is DP-GEN's model deviation and the energy std per atom", async () => {
    const [p] = await model.predict([crystals[0]!]);
    const ref = morseEvaluate(params, crystals[0]!);
    const n = crystals[0]!.species.length;
    const M = ref.members.length;
    const mean = ref.members.reduce((a, b) => a + b, 0) / M;
    const std = Math.sqrt(ref.members.reduce((t, e) => t + (e - mean) ** 2, 0) / M);
    let dev = 0;
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (const f of ref.memberForces)
        for (let c = 0; c < 3; c++) sq += (f[i]![c]! - ref.forcesEvPerA[i]![c]!) ** 2;
      dev = Math.max(dev, Math.sqrt(sq / M));
    }
    expect(p!.uncertainty.energyStdEvPerAtom).toBeCloseTo(std / n, 6);
    expect(p!.uncertainty.maxForceDevEvPerA).toBeCloseTo(dev, 5);
    expect(dev).toBeGreaterThan(1e-3);
  });

  it('uncertainty is zero for identical members and grows with the member spread', async () => {
    const identical = await MlipModel.load(MORSE_IDENTICAL, { executionProviders: 'cpu' });
    const wide = await MlipModel.load(MORSE_WIDE, { executionProviders: 'cpu' });
    try {
      const [a] = await identical.predict([crystals[0]!]);
      const [b] = await model.predict([crystals[0]!]);
      const [c] = await wide.predict([crystals[0]!]);
      expect(a!.uncertainty).toEqual({ energyStdEvPerAtom: 0, maxForceDevEvPerA: 0 });
      expect(b!.uncertainty.maxForceDevEvPerA).toBeGreaterThan(0);
      expect(c!.uncertainty.maxForceDevEvPerA).toBeGreaterThan(2 * b!.uncertainty.maxForceDevEvPerA);
      expect(c!.uncertainty.energyStdEvPerAtom).toBeGreaterThan(2 * b!.uncertainty.energyStdEvPerAtom);
    } finally {
      await identical.dispose();
      await wide.dispose();
    }
  });

  it('returns the optional embedding output and lists it in implementedProperties', async () => {
    expect(model.implementedProperties).toEqual(['energy', 'forces', 'stress', 'uncertainty', 'embedding']);
    const [p] = await model.predict([fcc('Cu', 3.6)]);
    expect(p!.embedding).toHaveLength(2);
    expect(p!.embedding![0]).toBeGreaterThan(12); // smooth coordination within 5 Å
    expect(p!.embedding![1]).toBeCloseTo(p!.energyPerAtomEv, 5);
  });

  it('splits a batch over several ONNX calls when it exceeds the edge budget, with the same results', async () => {
    const small = await MlipModel.load(MORSE, { executionProviders: 'cpu', maxEdgesPerCall: 1 });
    try {
      const [a, b] = [await model.predict(crystals), await small.predict(crystals)];
      a.forEach((p, k) => expect(maxAbsDiff(p.forcesEvPerA, b[k]!.forcesEvPerA)).toBeLessThan(1e-5));
      expect(await small.predict([])).toEqual([]);
    } finally {
      await small.dispose();
    }
  });

  it('shares one ONNX session between loads of the same file', async () => {
    const settings = { executionProviders: 'cpu', log: () => {} } as const;
    const a = acquireSession(MORSE, settings);
    const b = acquireSession(MORSE, settings);
    expect(b.promise).toBe(a.promise);
    await releaseSession(a.key);
    await releaseSession(b.key);
  });

  it('falls back to the CPU with a logged reason when CUDA cannot be used', async () => {
    const logs: string[] = [];
    const m = await MlipModel.load(MORSE, { executionProviders: 'cuda', log: (s) => logs.push(s) });
    try {
      if (m.device.executionProvider === 'cpu') {
        expect(m.device.fallbackReason).toBeTruthy();
        expect(logs.join('\n')).toMatch(/running on the CPU/);
      }
      const [p] = await m.predict([crystals[2]!]);
      expect(Number.isFinite(p!.energyEv)).toBe(true);
    } finally {
      await m.dispose();
    }
  });
});

describe('model cards and loading errors', () => {
  let dir: string;
  const card = JSON.parse(readFileSync(join(FIXTURES, 'morse-committee.card.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const install = (name: string, patch: Record<string, unknown>) => {
    copyFileSync(MORSE, join(dir, `${name}.onnx`));
    writeFileSync(join(dir, `${name}.card.json`), JSON.stringify({ ...card, name, ...patch }));
    return join(dir, `${name}.onnx`);
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-mlip-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names every bad field of a card', () => {
    const bad = { ...card, cutoff_a: -1, kind: 'generator', elements: ['Cu', 'Xx'] };
    try {
      parseModelCard(bad, 'x.card.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ModelCardError);
      expect((err as ModelCardError).fields).toEqual(
        expect.arrayContaining(['cutoff_a', 'kind', 'elements.1']),
      );
      expect((err as Error).message).toMatch(/field "cutoff_a"/);
    }
    const { sha256: _drop, ...noSha } = card;
    expect(() => parseModelCard(noSha, 'x.card.json')).toThrow(/field "sha256"/);
  });

  it('refuses a file whose sha256 differs from its card, or that has no card', async () => {
    const path = install('tampered', { sha256: 'a'.repeat(64) });
    await expect(MlipModel.load(path)).rejects.toThrow(/sha256 .* but its card says a{64}/);
    copyFileSync(MORSE, join(dir, 'orphan.onnx'));
    await expect(MlipModel.load(join(dir, 'orphan.onnx'))).rejects.toBeInstanceOf(ModelCardError);
    await expect(MlipModel.load(join(dir, 'missing.onnx'))).rejects.toBeInstanceOf(ModelLoadError);
  });

  it('rejects elements outside the card and outputs that contradict it', async () => {
    const cuO = await MlipModel.load(install('cu-o', { elements: ['Cu', 'O'] }), {
      executionProviders: 'cpu',
    });
    const twoMembers = await MlipModel.load(install('two', { members: 2 }), { executionProviders: 'cpu' });
    try {
      await expect(cuO.predict([fcc('Cu', 3.6), rockSalt('Na', 'Cl', 5.6)])).rejects.toThrow(
        UnsupportedElementError,
      );
      await expect(cuO.predict([fcc('Cu', 3.6), rockSalt('Na', 'Cl', 5.6)])).rejects.toThrow(
        /"Na" \(structure 1\)/,
      );
      await expect(twoMembers.predict([fcc('Cu', 3.6)])).rejects.toThrow(ContractError);
    } finally {
      await cuO.dispose();
      await twoMembers.dispose();
    }
  });

  it('resolves model names, paths and the default model', async () => {
    const models = mkdtempSync(join(tmpdir(), 'matdisc-mlip-dir-'));
    try {
      await expect(resolveModelPath(undefined, models)).rejects.toThrow(/pass --model PATH/);
      copyFileSync(MORSE, join(models, 'alpha.onnx'));
      writeFileSync(join(models, 'alpha.card.json'), JSON.stringify({ ...card, name: 'alpha' }));
      expect(await resolveModelPath(undefined, models)).toBe(join(models, 'alpha.onnx'));
      expect(await resolveModelPath('alpha', models)).toBe(join(models, 'alpha.onnx'));
      writeFileSync(join(models, 'alpha.card.json'), JSON.stringify({ ...card, name: 'committee-v1' }));
      expect(await resolveModelPath('committee-v1', models)).toBe(join(models, 'alpha.onnx'));
      expect(await resolveModelPath('./x/y.onnx', models)).toMatch(/x\/y\.onnx$/);
      await expect(resolveModelPath('beta', models)).rejects.toThrow(/no model named "beta" .*known: alpha/);
      copyFileSync(MORSE, join(models, 'beta.onnx'));
      writeFileSync(join(models, 'beta.card.json'), JSON.stringify({ ...card, name: 'beta' }));
      await expect(resolveModelPath(undefined, models)).rejects.toThrow(/2 models .* pass --model NAME/);
      writeFileSync(join(models, 'beta.card.json'), JSON.stringify({ ...card, name: 'beta', default: true }));
      expect(await resolveModelPath(undefined, models)).toBe(join(models, 'beta.onnx'));
    } finally {
      rmSync(models, { recursive: true, force: true });
    }
  });
});

describe('trust levels (DP-GEN)', () => {
  it('splits at lo and hi', () => {
    const at = (d: number) => trustLevel({ maxForceDevEvPerA: d });
    expect([at(0), at(0.049), at(0.05), at(0.149), at(0.15), at(Number.NaN)]).toEqual([
      'trusted',
      'trusted',
      'candidate',
      'candidate',
      'untrusted',
      'untrusted',
    ]);
    expect(trustLevel({ maxForceDevEvPerA: 0.3 }, { loEvPerA: 0.2, hiEvPerA: 0.4 })).toBe('candidate');
    expect(() => trustLevel({ maxForceDevEvPerA: 0.1 }, { loEvPerA: 0.3, hiEvPerA: 0.2 })).toThrow(
      RangeError,
    );
  });
});
