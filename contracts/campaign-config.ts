/**
 * The campaign configuration: its zod schema (YAML or JSON files; defaults; messages that name the
 * field and the fix) and the type it produces, {@link CampaignConfig}, the one the CLI, the
 * workflows and the activities read. Pure: the checks that read files (models, pseudopotentials,
 * VASP) are `campaign/campaign-resources.ts`; the JSON Schema for editors is
 * `contracts/campaign-config.schema.json`.
 *
 * ```yaml
 * name: si-demo
 * chemistry: { systems: [Si], natoms: 2 }
 * rounds: 1
 * candidatesPerRound: 6
 * generator: { model: test/models/generator/fixtures/denoiser-tiny.onnx, steps: 10 }
 * mlip: { model: test/models/mlip/fixtures/morse-committee.onnx }
 * dft: { profile: test, budgetPerRound: 2, budgetTotal: 2 }
 * ```
 * ```ts
 * const config = parseCampaignText(text); // CampaignConfig, or throws
 * // CampaignConfigError: rounds: expected a positive integer (whole number ≥ 1), got 0
 * ```
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Composition } from '../crystal/composition.js';
import { Element } from '../crystal/elements.js';
import { CampaignLimits, DEFAULT_NO_DFT_ROUNDS } from './campaign-limits.js';
import type { DeepReadonly } from './deep-readonly.js';
import { LabConfigSchema } from './lab-config.js';

export { CampaignLimits, DEFAULT_NO_DFT_ROUNDS } from './campaign-limits.js';

/** How the next DFT batch is chosen among predicted-stable candidates. */
export const AcquisitionStrategy = {
  /** Lowest predicted energy above the hull first. */
  greedy: 'greedy',
  /** Largest committee force deviation first (most informative for the MLIP). */
  uncertainty: 'uncertainty',
  /** Lowest lower confidence bound first: e_above_hull − kappa·(energy std per atom). */
  ucb: 'ucb',
} as const;
export type AcquisitionStrategy = (typeof AcquisitionStrategy)[keyof typeof AcquisitionStrategy];

/** The MLIP of a campaign that names none (`models/mlip/universal-committee.onnx`). */
export const DEFAULT_MLIP = 'universal-committee';

export const RetrainingPolicy = { everyRound: 'every-round', never: 'never' } as const;
export type RetrainingPolicy = (typeof RetrainingPolicy)[keyof typeof RetrainingPolicy];

/**
 * Raised for a configuration that cannot run. `issues` lists each bad field with its fix; the
 * class name is listed as non-retryable by the workflow (STYLE.md E2).
 */
export class CampaignConfigError extends Error {
  override readonly name = 'CampaignConfigError';
  constructor(readonly issues: readonly { readonly field: string; readonly message: string }[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('\n'));
  }
}

/** A whole number ≥ 1; with `max`, also at most that, and the message says the limit and the fix. */
const posInt = (what: string, max?: { readonly value: number; readonly fix: string }) => {
  const range = max ? `a whole number from 1 to ${max.value}` : 'a whole number ≥ 1';
  const error = (i: { input?: unknown }) =>
    `expected ${what} (${range}), got ${JSON.stringify(i.input)}` +
    (max && typeof i.input === 'number' && i.input > max.value ? `; ${max.fix}` : '');
  const int = z.int({ error }).min(1, { error });
  return max ? int.max(max.value, { error }) : int;
};
/** A whole number from 0 to `max`. */
const countUpTo = (what: string, max: number) => {
  const error = (i: { input?: unknown }) =>
    `expected ${what} (a whole number from 0 to ${max}), got ${JSON.stringify(i.input)}`;
  return z.int({ error }).min(0, { error }).max(max, { error });
};
const nonNeg = (what: string) =>
  z.number({ error: (i) => `expected ${what} (a number ≥ 0), got ${JSON.stringify(i.input)}` }).min(0, {
    error: (i) => `expected ${what} (a number ≥ 0), got ${JSON.stringify(i.input)}`,
  });
const positive = (what: string) =>
  z.number({ error: (i) => `expected ${what} (a number > 0), got ${JSON.stringify(i.input)}` }).gt(0, {
    error: (i) => `expected ${what} (a number > 0), got ${JSON.stringify(i.input)}`,
  });

/**
 * Where `text` holds a control character: "contains a control character (U+0000 at position 4)",
 * or null. Names and ids allow none (C0, DEL, C1); free text allows tab, newline and carriage
 * return. A NUL cannot even be stored (PostgreSQL text and jsonb refuse it), which used to make
 * the campaign's first activity retry until it gave up.
 */
function controlCharacter(text: string, allow: 'none' | 'whitespace'): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const control = c < 0x20 || c === 0x7f || (allow === 'none' && c >= 0x80 && c <= 0x9f);
    if (control && !(allow === 'whitespace' && (c === 0x09 || c === 0x0a || c === 0x0d))) {
      const code = c.toString(16).toUpperCase().padStart(4, '0');
      return `contains a control character (U+${code} at position ${i + 1})`;
    }
  }
  return null;
}

const element = z.string().refine((s) => Element.isElement(s), {
  error: (i) => `${JSON.stringify(i.input)} is not an element symbol; write symbols like Li, Si, O`,
});
const system = z
  .string()
  .min(1)
  .transform((s) => s.split(/[-\s,]+/).filter(Boolean))
  .pipe(z.array(element).min(1, { error: 'name at least one element, e.g. Li-Si-O' }))
  .transform((els) => [...new Set(els)].sort().join('-'));
const composition = z.string().refine(
  (s) => {
    try {
      Composition.parse(s);
      return true;
    } catch {
      return false;
    }
  },
  { error: (i) => `${JSON.stringify(i.input)} is not a composition; write a formula like Li2SiO3` },
);

/** The campaign configuration schema; each field's comment says what it means. */
export const CampaignConfigSchema = z
  .strictObject({
    /** Human-readable name, stored in `campaigns.name`. */
    name: z
      .string()
      .min(1, { error: 'give the campaign a name' })
      .max(CampaignLimits.nameLength, {
        error: `is longer than ${CampaignLimits.nameLength} characters; shorten it`,
      })
      .refine((n) => controlCharacter(n, 'none') === null, {
        error: (i) => `${controlCharacter(String(i.input), 'none')}; use printable characters only`,
      })
      .describe('campaign name'),
    /** What to generate: chemical systems ('Li-Si-O') and/or compositions ('Li2SiO3', CSP). */
    chemistry: z
      .strictObject({
        systems: z.array(system).default([]).describe("chemical systems, e.g. ['Li-Si-O']"),
        compositions: z.array(composition).default([]).describe("compositions for CSP, e.g. ['Li2SiO3']"),
        /** Atoms per generated cell; default drawn from the generator's training counts. */
        natoms: posInt('a number of atoms per cell').max(20).optional(),
      })
      .refine((c) => c.systems.length + c.compositions.length > 0, {
        error:
          'list at least one chemical system (systems: [Li-Si-O]) or composition (compositions: [Li2SiO3])',
      }),
    /** Rounds to run at most. */
    rounds: posInt('a positive integer', {
      value: CampaignLimits.rounds,
      fix: `at most ${CampaignLimits.rounds} rounds; split a longer search into several campaigns`,
    }),
    /** Structures requested from the generator per round (split over systems and compositions). */
    candidatesPerRound: posInt('a positive integer', {
      value: CampaignLimits.candidatesPerRound,
      fix: `at most ${CampaignLimits.candidatesPerRound} candidates per round; lower it`,
    }),
    generator: z.strictObject({
      /** Model name (`models/generator/NAME.onnx`), `prototypes`, or path to an .onnx file. */
      model: z.string().min(1).default('diffcsp-mp20').describe('name in models/generator or path to .onnx'),
      /**
       * Sampler steps (respaced schedule). Default: the model's `sampler.default_steps` (diffcsp-mp20:
       * 100 of its 1000, about 10x faster at the same CSP match rate; models/generator/README.md,
       * "Steps vs quality"), else its full schedule.
       */
      steps: posInt('a number of sampler steps').optional(),
      /** Base seed; round k samples with seed + k. */
      seed: z.int().min(0).default(0),
    }),
    mlip: z
      .strictObject({
        /**
         * Model name (`models/mlip/NAME.onnx`) or path to an .onnx file. Default: the universal
         * committee (SevenNet-0 plus a Δ committee: any element SevenNet-0 covers, with an
         * uncertainty, retrained on the campaign's DFT every round).
         */
        model: z.string().min(1).default(DEFAULT_MLIP).describe('name in models/mlip or path to .onnx'),
      })
      .default({ model: DEFAULT_MLIP }),
    relax: z
      .strictObject({
        /** Force criterion, eV/Å. */
        fmax: positive('a force threshold in eV/Å').default(0.05),
        /** Most FIRE steps per structure. */
        steps: posInt('a number of FIRE steps').default(300),
      })
      .default({ fmax: 0.05, steps: 300 }),
    stability: z
      .strictObject({
        /** Candidates with predicted e_above_hull at or below this (eV/atom) count as predicted stable. */
        maxEAboveHullEvPerAtom: nonNeg('an energy in eV/atom')
          .default(0.1)
          .describe('predicted (MLIP) e_above_hull at or below this counts as predicted stable, eV/atom'),
        /**
         * A converged DFT candidate with e_above_hull (against the DFT elemental references and every
         * DFT label at the same level of theory) at or below this (eV/atom) counts as DFT confirmed
         * stable. Default 0.025: within about kT at room temperature of the hull, which also absorbs
         * the k-point and smearing noise of cheap profiles; 0 means strictly on the hull.
         */
        dftConfirmedMaxEAboveHullEvPerAtom: nonNeg('an energy in eV/atom')
          .default(0.025)
          .describe('DFT e_above_hull at or below this counts as DFT confirmed stable, eV/atom'),
      })
      .default({ maxEAboveHullEvPerAtom: 0.1, dftConfirmedMaxEAboveHullEvPerAtom: 0.025 }),
    trust: z
      .strictObject({
        /** Below this max force deviation (eV/Å) a prediction is trusted. */
        loEvPerA: nonNeg('a force deviation in eV/Å').default(0.05),
        /** At or above this the prediction is untrusted. */
        hiEvPerA: nonNeg('a force deviation in eV/Å').default(0.15),
        /** Leave untrusted predictions out of DFT selection. */
        excludeUntrusted: z.boolean().default(true),
      })
      .refine((t) => t.hiEvPerA >= t.loEvPerA, { error: 'hiEvPerA must be ≥ loEvPerA', path: ['hiEvPerA'] })
      .default({ loEvPerA: 0.05, hiEvPerA: 0.15, excludeUntrusted: true }),
    acquisition: z
      .strictObject({
        /** How the next DFT batch is chosen ({@link AcquisitionStrategy}). */
        strategy: z
          .enum(['greedy', 'uncertainty', 'ucb'], {
            error: (i) => `expected 'greedy', 'uncertainty' or 'ucb', got ${JSON.stringify(i.input)}`,
          })
          .default('ucb'),
        /** Weight of the committee spread in 'ucb'. */
        kappa: nonNeg('a weight').default(1),
        /** Candidates in one DFT batch are at least this far apart in fingerprint space (pgvector `<->`). */
        minFingerprintDistance: nonNeg('a fingerprint distance').default(0),
      })
      .default({ strategy: 'ucb', kappa: 1, minFingerprintDistance: 0 }),
    dft: z.strictObject({
      engine: z.enum(['qe', 'vasp'], { error: "expected 'qe' or 'vasp'" }).default('qe'),
      /**
       * 'standard' (default): converged k-points and smearing, GGA+U as MP, the level stability is
       * decided at; 'test': cheap, its confirmations are provisional (the round summary says so);
       * 'production': standard's physics with tighter thresholds.
       */
      profile: z
        .enum(['test', 'standard', 'production'], {
          error: "expected 'test', 'standard' or 'production'",
        })
        .default('standard'),
      calculation: z
        .enum(['scf', 'relax', 'vc-relax'], { error: "expected 'scf', 'relax' or 'vc-relax'" })
        .default('scf'),
      scheduler: z.enum(['local', 'slurm'], { error: "expected 'local' or 'slurm'" }).default('local'),
      /**
       * Refine each relaxed candidate to its space group (symprec 0.1 Å) and give the DFT code its
       * primitive standard cell, unless that moves an atom more than 0.1 Å or changes the
       * composition (the relaxed cell is then kept, and the reason stored); false: the relaxed cell
       * as it is. `dft/symmetrize-input.ts`.
       */
      symmetrize: z.boolean({ error: 'expected true or false' }).default(true),
      /** DFT calculations per round at most. */
      budgetPerRound: posInt('a number of DFT calculations', {
        value: CampaignLimits.dftBudget,
        fix: `at most ${CampaignLimits.dftBudget} DFT calculations; lower it`,
      }),
      /** DFT calculations over the whole campaign at most. */
      budgetTotal: posInt('a number of DFT calculations', {
        value: CampaignLimits.dftBudget,
        fix: `at most ${CampaignLimits.dftBudget} DFT calculations; lower it`,
      }),
      /** DFT child workflows running at once. */
      maxConcurrent: posInt('a number of DFT jobs', {
        value: CampaignLimits.dftMaxConcurrent,
        fix: `at most ${CampaignLimits.dftMaxConcurrent} DFT jobs at once; lower it`,
      }).default(2),
    }),
    retraining: z
      .strictObject({
        policy: z
          .enum(['every-round', 'never'], { error: "expected 'every-round' or 'never'" })
          .default('every-round'),
        /** Fine-tuning epochs. */
        epochs: posInt('a number of epochs').default(10),
        /** Wall budget of one retraining (base predictions, training, export), minutes. */
        maxMinutes: positive('a number of minutes').default(5),
      })
      .default({ policy: 'every-round', epochs: 10, maxMinutes: 5 }),
    stop: z
      .strictObject({
        /** Stop after this many consecutive rounds without a new DFT-confirmed stable material (0: never). */
        noNewStableRounds: countUpTo('a number of rounds', CampaignLimits.rounds).default(0),
        /**
         * Stop after this many consecutive rounds in which no candidate could be selected for DFT
         * (0: never). Configurations stored before it have none: readers default it.
         */
        noDftRounds: countUpTo('a number of rounds', CampaignLimits.rounds)
          .default(DEFAULT_NO_DFT_ROUNDS)
          .describe(
            'stop after this many consecutive rounds with no candidate selectable for DFT (0: never)',
          ),
      })
      .default({ noNewStableRounds: 0, noDftRounds: DEFAULT_NO_DFT_ROUNDS }),
    /** Rounds per workflow run before `continueAsNew`. */
    roundsPerRun: posInt('a number of rounds', {
      value: CampaignLimits.rounds,
      fix: `at most ${CampaignLimits.rounds}`,
    }).default(3),
    /** Lab experiments for qualifying candidates (optional; `lab-config.ts`). */
    lab: LabConfigSchema.optional(),
  })
  .describe('matdisc discovery campaign');

/** The campaign configuration as every layer reads it. */
export type CampaignConfig = DeepReadonly<z.output<typeof CampaignConfigSchema>>;

/** Field path as written in the file: `dft.budgetTotal`, `chemistry.systems[1]`. */
function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export type ConfigIssue = { field: string; message: string };

/** Every string and key of a parsed file that holds a control character other than whitespace. */
function controlCharacterIssues(value: unknown, path: readonly PropertyKey[] = []): ConfigIssue[] {
  if (typeof value === 'string') {
    const why = controlCharacter(value, 'whitespace');
    return why ? [{ field: fieldOf(path), message: `${why}; remove it` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => controlCharacterIssues(v, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const why = controlCharacter(key, 'whitespace');
    if (why)
      return [{ field: fieldOf([...path, JSON.stringify(key)]), message: `the key ${why}; remove it` }];
    return controlCharacterIssues(v, [...path, key]);
  });
}

/**
 * A campaign id as `campaign start --id` takes it (it is also the workflow id and the key of every
 * row of the campaign): not empty, at most {@link CampaignLimits.nameLength} characters, no control
 * characters. Throws {@link CampaignConfigError} naming `field`.
 */
export function validateCampaignId(id: string, field = '--id'): string {
  const why =
    id.trim() === ''
      ? 'is empty; give an id like si-2026-11-28'
      : id.length > CampaignLimits.nameLength
        ? `is longer than ${CampaignLimits.nameLength} characters; shorten it`
        : controlCharacter(id, 'none')?.concat('; use printable characters only');
  if (why) throw new CampaignConfigError([{ field, message: why }]);
  return id;
}

/**
 * Refuses a configuration file larger than {@link CampaignLimits.configBytes}, before it is read
 * or parsed (a multi-megabyte file took minutes and gigabytes to fail).
 */
export function checkConfigFileSize(bytes: number, file?: string): void {
  if (bytes > CampaignLimits.configBytes)
    throw new CampaignConfigError([
      {
        field: '(file)',
        message: `${file ? `${file} ` : ''}is ${bytes} bytes, larger than the ${CampaignLimits.configBytes}-byte (1 MiB) limit of a campaign configuration; a configuration is a few hundred bytes: remove what does not belong in it`,
      },
    ]);
}

/** The value at a zod issue's path, or undefined. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Schema validation only (no files read). Throws {@link CampaignConfigError}. */
export function parseCampaignConfig(value: unknown): CampaignConfig {
  const control = controlCharacterIssues(value);
  if (control.length) throw new CampaignConfigError(control);
  const result = CampaignConfigSchema.safeParse(value);
  if (!result.success) {
    // zod leaves `input` out of its issues, so "missing" is read from the value itself: a 1.5 is
    // not an absent field. One message per field and text (1e300 fails the int and the max check).
    const issues = result.error.issues.map((i) => ({
      field: fieldOf(i.path),
      message:
        i.code === 'unrecognized_keys'
          ? `unknown field(s) ${i.keys.map((k) => JSON.stringify(k)).join(', ')}; check the spelling`
          : i.code === 'invalid_type' && valueAt(value, i.path) === undefined
            ? 'required; add it'
            : i.message,
    }));
    throw new CampaignConfigError(
      issues.filter((i, k) => issues.findIndex((j) => j.field === i.field && j.message === i.message) === k),
    );
  }
  const c = result.data;
  if (c.dft.budgetPerRound > c.dft.budgetTotal)
    throw new CampaignConfigError([
      {
        field: 'dft.budgetPerRound',
        message: `is ${c.dft.budgetPerRound}, more than dft.budgetTotal (${c.dft.budgetTotal}); lower it`,
      },
    ]);
  return c;
}

/** Parses YAML (a superset of JSON) text. */
export function parseCampaignText(text: string): CampaignConfig {
  checkConfigFileSize(Buffer.byteLength(text, 'utf8'));
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new CampaignConfigError([
      { field: '(file)', message: `not valid YAML or JSON: ${(err as Error).message}` },
    ]);
  }
  return parseCampaignConfig(value);
}

/** Every element the campaign can produce. */
export function campaignElements(c: {
  readonly chemistry: Pick<CampaignConfig['chemistry'], 'systems' | 'compositions'>;
}): string[] {
  const els = new Set<string>();
  for (const s of c.chemistry.systems) for (const e of s.split('-')) els.add(e);
  for (const f of c.chemistry.compositions) for (const e of Object.keys(Composition.parse(f))) els.add(e);
  return [...els].sort();
}

/** The chemical systems a campaign explores: its systems, and the system of each composition ('Li2SiO3' → 'Li-O-Si'). */
export function campaignSystems(c: CampaignConfig): string[] {
  const ofComposition = (f: string) => Object.keys(Composition.parse(f)).sort().join('-');
  return [...new Set([...c.chemistry.systems, ...c.chemistry.compositions.map(ofComposition)])];
}

/** JSON Schema of the configuration, for editors (`contracts/campaign-config.schema.json`). */
export function campaignConfigJsonSchema(): unknown {
  return z.toJSONSchema(CampaignConfigSchema, { io: 'input', unrepresentable: 'any' });
}
