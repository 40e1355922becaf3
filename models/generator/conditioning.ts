/**
 * What to generate, turned into one plan per sample: its number of atoms and which element each
 * atom may be.
 *
 * - **Chemical system** (`{ kind: 'system', elements: ['Li', 'Si', 'O'] }`): every sample contains
 *   every element of the system. A composition is drawn per sample (at least one atom of each
 *   element; for an ionic system, one with O, N, F, Cl, Br, I, S, Se, Te, P or H and another
 *   element, a charge-balanced one by the oxidation states of `oxidation-states.ts`, and an
 *   unbalanced one only when no balanced one exists within the atom limit, with a `warning` on
 *   the plan), and the structure is sampled with those types fixed (CSP mode), see
 *   `system-compositions.ts`.
 *   Why fixed types: in de-novo mode the sampler diffuses the types, and nothing in DiffCSP's
 *   type diffusion keeps an element from vanishing; the final argmax often turns every atom into
 *   the same element (measured on diffcsp-mp20, 2-atom Al-Ni cells at 1000 steps: 18 of 32 pure
 *   elements). Rejecting and resampling such samples would waste network calls without bound for
 *   small cells, while the model was trained on CSP examples half of the time, so fixing a drawn
 *   composition costs nothing and cannot lose an element.
 *   With `allowSubsystems: true`: de-novo generation with the type channels of every other
 *   element masked at every step and the final argmax taken over the system's elements only, so
 *   every output uses only those elements but may miss some of them (DiffCSP's ab initio mode).
 * - **Composition** (`{ kind: 'composition', composition }`, CSP): the atom types are fixed from
 *   the composition; the number of atoms is a multiple of the formula unit that fits the model's
 *   largest training cell (20 for MP-20).
 * - **Unconditional** (`{ kind: 'unconditional' }`): every element of the vocabulary that
 *   `crystal/elements.ts` knows (H..Pu; the vocabulary's Am..Fm are masked like foreign elements).
 *
 * The number of atoms is the request's `natoms` when given, else drawn from the training counts
 * of the schedule: those of the chemical system when it was seen in training, else the overall
 * ones (for a composition: restricted to multiples of the formula unit; for a chemical system:
 * restricted to the numbers of atoms that have an allowed composition, e.g. multiples of 3 for
 * Li-O, whose balanced compositions are Li2O × k). The schedule holds counts by chemical system,
 * not by composition, so a drawn number of atoms then gets one of its allowed compositions,
 * weighted by its number of formula units (see `planSystemCompositions`).
 */
import { Composition } from '../../crystal/composition.js';
import { Element } from '../../crystal/elements.js';
import { ConditionError, ElementNotInVocabularyError } from './errors.js';
import { Prng } from './prng.js';
import type { GeneratorSchedule } from './schedule.js';
import { compositionSpace, type ChargeChoice } from './system-compositions.js';

/** A generation request (see the module doc). */
export type GenerationRequest =
  | {
      readonly kind: 'system';
      readonly elements: readonly string[];
      readonly natoms?: number;
      /**
       * Allow samples that miss elements of the system (a sub-system, e.g. pure Li from Li-O):
       * de-novo type diffusion instead of a drawn composition. Default false.
       */
      readonly allowSubsystems?: boolean;
    }
  | { readonly kind: 'composition'; readonly composition: Composition; readonly natoms?: number }
  | { readonly kind: 'unconditional'; readonly natoms?: number };

/** One sample to draw. */
export interface SamplePlan {
  /** Position in the request (also the sample's random stream). */
  readonly index: number;
  readonly natoms: number;
  /** 'gen': types are diffused; 'csp': types are given. */
  readonly mode: 'gen' | 'csp';
  /** gen: type channels the sample may use (ascending). */
  readonly allowedTypes: readonly number[];
  /** csp: the type channel of each atom. */
  readonly fixedTypes?: readonly number[];
  /** Where natoms came from: 'given', 'system' (that system's training counts) or 'overall'. */
  readonly natomsSource: 'given' | 'system' | 'overall';
  /** Chemical system without allowSubsystems: the drawn composition (element → atoms, each ≥ 1). */
  readonly composition?: Readonly<Record<string, number>>;
  /** Chemical system without allowSubsystems: how its charge was chosen (see `system-compositions.ts`). */
  readonly charge?: ChargeChoice;
  /** A note for the user about this plan, e.g. that no charge-balanced composition exists. */
  readonly warning?: string;
}

/**
 * Parses a chemical system: 'Li-Si-O', 'Li-O-Si', 'Li Si O' or 'LiSiO' (symbols separated by '-',
 * ',' or spaces). Throws {@link ConditionError} naming an unknown symbol.
 */
export function parseChemicalSystem(text: string): string[] {
  const parts =
    text.includes('-') || /[\s,]/.test(text.trim())
      ? text.split(/[-\s,]+/).filter(Boolean)
      : (text.match(/[A-Z][a-z]?/g) ?? []);
  if (parts.length === 0)
    throw new ConditionError(`chemical system ${JSON.stringify(text)} names no elements`, 'system');
  for (const p of parts) {
    if (!Element.isElement(p)) {
      throw new ConditionError(
        `unknown element ${JSON.stringify(p)} in chemical system ${JSON.stringify(text)}: ` +
          "write element symbols separated by '-', e.g. Li-Si-O",
        'system',
      );
    }
  }
  return [...new Set(parts)];
}

/**
 * Parses a composition for CSP: 'Li2SiO3', 'Li4Si2O6'. Throws {@link ConditionError} for an
 * unknown element, a syntax error or a non-integer amount.
 */
export function parseCompositionRequest(text: string): Composition {
  let c: Composition;
  try {
    c = Composition.parse(text);
  } catch (err) {
    throw new ConditionError(`composition ${JSON.stringify(text)}: ${(err as Error).message}`, 'composition');
  }
  const fractional = Object.entries(c).filter(([, a]) => Math.abs(a - Math.round(a)) > 1e-8);
  if (fractional.length) {
    throw new ConditionError(
      `composition ${JSON.stringify(text)} has non-integer amounts (${fractional.map(([e, a]) => `${e}${a}`).join(', ')}): ` +
        'CSP places whole atoms; give an integer formula such as Li2SiO3',
      'composition',
    );
  }
  return c;
}

/** Chemical-system key of the schedule's per-system counts: symbols sorted, joined by '-'. */
export function systemKey(elements: readonly string[]): string {
  return [...new Set(elements)].sort().join('-');
}

/** Largest number of atoms in the training counts (the model's largest cell). */
export function maxTrainingAtoms(schedule: GeneratorSchedule): number {
  return Math.max(...schedule.natoms.overall.keys());
}

/**
 * One plan per sample for `n` samples of `request`. Draws of the number of atoms use stream
 * 2·index + 1 of `seed` (the sampler uses 2·index), so plans are reproducible.
 */
export function planSamples(
  request: GenerationRequest,
  n: number,
  schedule: GeneratorSchedule,
  seed: number,
  modelName = 'generator',
): SamplePlan[] {
  if (!Number.isInteger(n) || n < 1)
    throw new ConditionError(`number of samples must be a positive integer, got ${n}`, 'n');
  const vocab = schedule.elements;
  const channel = new Map(vocab.map((el, k) => [el, k]));
  const maxAtoms = maxTrainingAtoms(schedule);
  const checkVocab = (elements: readonly string[], field: string) => {
    const missing = elements.filter((el) => !channel.has(el));
    if (missing.length) throw new ElementNotInVocabularyError(missing, modelName, field);
  };
  const checkNatoms = (natoms: number) => {
    if (!Number.isInteger(natoms) || natoms < 1 || natoms > maxAtoms) {
      throw new ConditionError(
        `natoms must be an integer from 1 to ${maxAtoms} (the largest cell model ${JSON.stringify(modelName)} was trained on), got ${natoms}`,
        'natoms',
      );
    }
  };
  const plans: SamplePlan[] = [];

  if (request.kind === 'composition') {
    const elements = Composition.elements(request.composition);
    checkVocab(elements, 'composition');
    const reduced = Composition.reduced(request.composition);
    const unit = Composition.numAtoms(reduced);
    if (unit > maxAtoms) {
      throw new ConditionError(
        `composition ${Composition.reducedFormula(request.composition)} has ${unit} atoms per formula unit, ` +
          `more than the ${maxAtoms}-atom cells model ${JSON.stringify(modelName)} was trained on`,
        'composition',
      );
    }
    if (request.natoms !== undefined) {
      checkNatoms(request.natoms);
      if (request.natoms % unit !== 0) {
        throw new ConditionError(
          `natoms ${request.natoms} is not a multiple of the ${unit} atoms of ${Composition.reducedFormula(request.composition)}`,
          'natoms',
        );
      }
    }
    const multiples = Array.from({ length: Math.floor(maxAtoms / unit) }, (_, k) => (k + 1) * unit);
    const counts = natomsCounts(schedule, elements, multiples);
    for (let i = 0; i < n; i++) {
      const natoms = request.natoms ?? counts.values[new Prng(seed, 2 * i + 1).categorical(counts.weights)]!;
      const z = natoms / unit;
      const fixedTypes = Object.entries(reduced).flatMap(([el, a]) =>
        new Array<number>(Math.round(a * z)).fill(channel.get(el)!),
      );
      plans.push(
        Object.freeze({
          index: i,
          natoms,
          mode: 'csp' as const,
          allowedTypes: [...new Set(fixedTypes)].sort((a, b) => a - b),
          fixedTypes,
          natomsSource: request.natoms !== undefined ? ('given' as const) : counts.source,
        }),
      );
    }
    return plans;
  }

  const elements =
    request.kind === 'system' ? [...new Set(request.elements)] : vocab.filter((el) => Element.isElement(el));
  if (request.kind === 'system') {
    for (const el of elements) {
      if (!Element.isElement(el)) {
        throw new ConditionError(`unknown element ${JSON.stringify(el)} in the chemical system`, 'system');
      }
    }
    checkVocab(elements, 'system');
  }
  if (request.natoms !== undefined) checkNatoms(request.natoms);
  if (request.kind === 'system' && !request.allowSubsystems) {
    return planSystemCompositions(elements, request.natoms, n, schedule, seed, channel, maxAtoms);
  }
  const allowedTypes = elements.map((el) => channel.get(el)!).sort((a, b) => a - b);
  const counts = natomsCounts(
    schedule,
    request.kind === 'system' ? elements : [],
    Array.from({ length: maxAtoms }, (_, k) => k + 1),
  );
  for (let i = 0; i < n; i++) {
    const natoms = request.natoms ?? counts.values[new Prng(seed, 2 * i + 1).categorical(counts.weights)]!;
    plans.push(
      Object.freeze({
        index: i,
        natoms,
        mode: 'gen' as const,
        allowedTypes,
        natomsSource: request.natoms !== undefined ? ('given' as const) : counts.source,
      }),
    );
  }
  return plans;
}

/**
 * Plans of a chemical system whose samples must contain every element: one composition drawn
 * per sample from {@link compositionSpace} (stream 2·index + 1: first the number of atoms unless
 * given, then the composition among that number's), sampled in CSP mode.
 *
 * A composition of n atoms is drawn with weight Z, its number of formula units (the gcd of its
 * counts), which favours simple stoichiometries as the training data does: over the binary
 * training rows of diffcsp-mp20 (MP-20 pilot_first1000/train + biternary/val), Z = 1 : 2 : 4
 * occur 809 : 801 : 333 times; uniform draws at the same sizes would give 1268 : 497 : 108,
 * weight Z gives 1268 : 994 : 432.
 */
function planSystemCompositions(
  elements: readonly string[],
  natoms: number | undefined,
  n: number,
  schedule: GeneratorSchedule,
  seed: number,
  channel: ReadonlyMap<string, number>,
  maxAtoms: number,
): SamplePlan[] {
  const system = elements.join('-');
  if (elements.length > (natoms ?? maxAtoms)) {
    throw new ConditionError(
      `chemical system ${system} has ${elements.length} elements, more than ` +
        (natoms !== undefined ? `the ${natoms} atoms asked for` : `the ${maxAtoms}-atom cells of the model`) +
        ': a sample cannot contain all of them (allowSubsystems, --allow-subsystems, allows samples without every element)',
      natoms !== undefined ? 'natoms' : 'system',
    );
  }
  // Count vectors in the order of the type channels (by Z), so fixedTypes are sorted.
  const ordered = [...elements].sort((a, b) => channel.get(a)! - channel.get(b)!);
  const space = compositionSpace(ordered, maxAtoms, natoms);
  const sizes = [...space.byAtoms.keys()].sort((a, b) => a - b);
  const counts = natomsCounts(schedule, ordered, sizes);
  const warning =
    space.charge === 'unbalanced'
      ? `no charge-balanced composition of ${systemKey(ordered)} ` +
        (natoms !== undefined ? `with ${natoms} atoms` : `within ${maxAtoms} atoms`) +
        ' (oxidation states of models/generator/oxidation-states.ts): drawing compositions that are not charge balanced'
      : undefined;
  const allowedTypes = ordered.map((el) => channel.get(el)!);
  const plans: SamplePlan[] = [];
  for (let i = 0; i < n; i++) {
    const rng = new Prng(seed, 2 * i + 1);
    const size = natoms ?? counts.values[rng.categorical(counts.weights)]!;
    const vectors = space.byAtoms.get(size)!;
    const v = vectors[rng.categorical(vectors.map(formulaUnits))]!;
    plans.push(
      Object.freeze({
        index: i,
        natoms: size,
        mode: 'csp' as const,
        allowedTypes,
        fixedTypes: ordered.flatMap((el, k) => new Array<number>(v[k]!).fill(channel.get(el)!)),
        natomsSource: natoms !== undefined ? ('given' as const) : counts.source,
        composition: Object.freeze(Object.fromEntries(ordered.map((el, k) => [el, v[k]!]))),
        charge: space.charge,
        ...(warning ? { warning } : {}),
      }),
    );
  }
  return plans;
}

/** Number of formula units of a count vector: the gcd of its counts. */
function formulaUnits(counts: readonly number[]): number {
  let g = 0;
  for (let c of counts) {
    let a = g;
    while (c) [a, c] = [c, a % c];
    g = a;
  }
  return g;
}

/** The distinct warnings of `plans`, in order of first appearance. */
export function planWarnings(plans: readonly SamplePlan[]): string[] {
  return [...new Set(plans.flatMap((p) => (p.warning ? [p.warning] : [])))];
}

/**
 * Training counts over `candidates` atom numbers: the system's when it has any there, else the
 * overall ones, else (no count at any candidate) the smallest candidate.
 */
function natomsCounts(
  schedule: GeneratorSchedule,
  elements: readonly string[],
  candidates: readonly number[],
): { values: number[]; weights: number[]; source: 'system' | 'overall' } {
  const pick = (m: ReadonlyMap<number, number> | undefined) => candidates.map((c) => m?.get(c) ?? 0);
  const bySystem = elements.length ? schedule.natoms.bySystem.get(systemKey(elements)) : undefined;
  const sys = pick(bySystem);
  if (sys.some((w) => w > 0)) return { values: [...candidates], weights: sys, source: 'system' };
  const overall = pick(schedule.natoms.overall);
  if (overall.some((w) => w > 0)) return { values: [...candidates], weights: overall, source: 'overall' };
  return { values: [candidates[0]!], weights: [1], source: 'overall' };
}
