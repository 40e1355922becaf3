/**
 * The campaign configuration: a zod schema (YAML or JSON files), messages that name the field and
 * the fix, and the checks that need files — models exist, and every element has a
 * pseudopotential, is in the generator's vocabulary and is supported by the MLIP card — so a bad
 * campaign is rejected before its workflow starts.
 *
 * ```yaml
 * name: si-demo
 * chemistry: { systems: [Si], natoms: 2 }
 * rounds: 1
 * candidatesPerRound: 6
 * generator: { model: test/generator/fixtures/denoiser-tiny.onnx, steps: 10 }
 * mlip: { model: test/mlip/fixtures/morse-committee.onnx }
 * dft: { profile: test, budgetPerRound: 2, budgetTotal: 2 }
 * ```
 * ```ts
 * const config = await loadCampaignConfig(text, { pseudoDir }); // CampaignConfig, or throws
 * // CampaignConfigError: rounds: expected a positive integer (whole number ≥ 1), got 0
 * ```
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Composition } from '../crystal/composition.js';
import { Element } from '../crystal/elements.js';
import { cardPathFor, readModelCard, resolveModelPath } from '../models/potential/index.js';
import {
  generatorCardPath,
  readGeneratorCard,
  readSchedule,
  resolveGeneratorPath,
} from '../models/sampler/index.js';
import { CampaignLimits, DEFAULT_NO_DFT_ROUNDS, type CampaignConfig } from '../contracts/campaign-config.js';
import { loadSssp } from '../dft/qe/sssp.js';
import { checkVaspSetup, VASP_SETUP_FIX } from '../dft/vasp/vasp-setup.js';
import { LabConfigSchema } from '../lab/lab-config.js';
import { elementsWithoutGroundState } from './elemental-ground-states.js';

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

/** The campaign configuration schema (see {@link CampaignConfig} for what each field means). */
export const CampaignConfigSchema = z
  .strictObject({
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
    chemistry: z
      .strictObject({
        systems: z.array(system).default([]).describe("chemical systems, e.g. ['Li-Si-O']"),
        compositions: z.array(composition).default([]).describe("compositions for CSP, e.g. ['Li2SiO3']"),
        natoms: posInt('a number of atoms per cell').max(20).optional(),
      })
      .refine((c) => c.systems.length + c.compositions.length > 0, {
        error:
          'list at least one chemical system (systems: [Li-Si-O]) or composition (compositions: [Li2SiO3])',
      }),
    rounds: posInt('a positive integer', {
      value: CampaignLimits.rounds,
      fix: `at most ${CampaignLimits.rounds} rounds; split a longer search into several campaigns`,
    }),
    candidatesPerRound: posInt('a positive integer', {
      value: CampaignLimits.candidatesPerRound,
      fix: `at most ${CampaignLimits.candidatesPerRound} candidates per round; lower it`,
    }),
    generator: z.strictObject({
      model: z.string().min(1).default('diffcsp-mp20').describe('name in models/generator or path to .onnx'),
      steps: posInt('a number of sampler steps').optional(),
      seed: z.int().min(0).default(0),
    }),
    mlip: z.strictObject({
      model: z.string().min(1).describe('name in models/mlip or path to .onnx'),
    }),
    relax: z
      .strictObject({
        fmax: positive('a force threshold in eV/Å').default(0.05),
        steps: posInt('a number of FIRE steps').default(300),
      })
      .default({ fmax: 0.05, steps: 300 }),
    stability: z
      .strictObject({
        maxEAboveHullEvPerAtom: nonNeg('an energy in eV/atom')
          .default(0.1)
          .describe('predicted (MLIP) e_above_hull at or below this counts as predicted stable, eV/atom'),
        dftConfirmedMaxEAboveHullEvPerAtom: nonNeg('an energy in eV/atom')
          .default(0.025)
          .describe('DFT e_above_hull at or below this counts as DFT confirmed stable, eV/atom'),
      })
      .default({ maxEAboveHullEvPerAtom: 0.1, dftConfirmedMaxEAboveHullEvPerAtom: 0.025 }),
    trust: z
      .strictObject({
        loEvPerA: nonNeg('a force deviation in eV/Å').default(0.05),
        hiEvPerA: nonNeg('a force deviation in eV/Å').default(0.15),
        excludeUntrusted: z.boolean().default(true),
      })
      .refine((t) => t.hiEvPerA >= t.loEvPerA, { error: 'hiEvPerA must be ≥ loEvPerA', path: ['hiEvPerA'] })
      .default({ loEvPerA: 0.05, hiEvPerA: 0.15, excludeUntrusted: true }),
    acquisition: z
      .strictObject({
        strategy: z
          .enum(['greedy', 'uncertainty', 'ucb'], {
            error: (i) => `expected 'greedy', 'uncertainty' or 'ucb', got ${JSON.stringify(i.input)}`,
          })
          .default('ucb'),
        kappa: nonNeg('a weight').default(1),
        minFingerprintDistance: nonNeg('a fingerprint distance').default(0),
      })
      .default({ strategy: 'ucb', kappa: 1, minFingerprintDistance: 0 }),
    dft: z.strictObject({
      engine: z.enum(['qe', 'vasp'], { error: "expected 'qe' or 'vasp'" }).default('qe'),
      profile: z
        .enum(['test', 'production'], { error: "expected 'test' or 'production'" })
        .default('production'),
      calculation: z
        .enum(['scf', 'relax', 'vc-relax'], { error: "expected 'scf', 'relax' or 'vc-relax'" })
        .default('scf'),
      scheduler: z.enum(['local', 'slurm'], { error: "expected 'local' or 'slurm'" }).default('local'),
      budgetPerRound: posInt('a number of DFT calculations', {
        value: CampaignLimits.dftBudget,
        fix: `at most ${CampaignLimits.dftBudget} DFT calculations; lower it`,
      }),
      budgetTotal: posInt('a number of DFT calculations', {
        value: CampaignLimits.dftBudget,
        fix: `at most ${CampaignLimits.dftBudget} DFT calculations; lower it`,
      }),
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
        epochs: posInt('a number of epochs').default(10),
      })
      .default({ policy: 'every-round', epochs: 10 }),
    stop: z
      .strictObject({
        noNewStableRounds: countUpTo('a number of rounds', CampaignLimits.rounds).default(0),
        noDftRounds: countUpTo('a number of rounds', CampaignLimits.rounds)
          .default(DEFAULT_NO_DFT_ROUNDS)
          .describe(
            'stop after this many consecutive rounds with no candidate selectable for DFT (0: never)',
          ),
      })
      .default({ noNewStableRounds: 0, noDftRounds: DEFAULT_NO_DFT_ROUNDS }),
    roundsPerRun: posInt('a number of rounds', {
      value: CampaignLimits.rounds,
      fix: `at most ${CampaignLimits.rounds}`,
    }).default(3),
    lab: LabConfigSchema.optional(),
  })
  .describe('matdisc discovery campaign');

/** Field path as written in the file: `dft.budgetTotal`, `chemistry.systems[1]`. */
function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

type Issue = { field: string; message: string };

/** Every string and key of a parsed file that holds a control character other than whitespace. */
function controlCharacterIssues(value: unknown, path: readonly PropertyKey[] = []): Issue[] {
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
export function campaignElements(c: CampaignConfig): string[] {
  const els = new Set<string>();
  for (const s of c.chemistry.systems) for (const e of s.split('-')) els.add(e);
  for (const f of c.chemistry.compositions) for (const e of Object.keys(Composition.parse(f))) els.add(e);
  return [...els].sort();
}

export interface ResolvedModels {
  readonly generatorPath: string;
  readonly mlipPath: string;
}

/**
 * The checks that read files: both models resolve, and every element is in the generator's
 * vocabulary, in the MLIP card and (QE) in the pseudopotential library; and every element has a
 * DFT reference structure (`elemental-ground-states.ts`). Throws
 * {@link CampaignConfigError} listing every problem.
 */
export async function checkCampaignResources(
  c: CampaignConfig,
  options: { readonly pseudoDir?: string | undefined; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<ResolvedModels> {
  const issues: Issue[] = [];
  const elements = campaignElements(c);
  let generatorPath = '';
  // The built-in prototype generator (generate-candidates.ts) decorates any element.
  if (c.generator.model !== 'prototypes')
    try {
      generatorPath = resolveGeneratorPath(c.generator.model);
      const cardPath = generatorCardPath(generatorPath);
      const card = existsSync(cardPath) ? await readGeneratorCard(cardPath) : undefined;
      const schedule = await readSchedule(
        card?.schedule
          ? join(dirname(cardPath), card.schedule)
          : generatorPath.replace(/\.onnx$/i, '') + '.schedule.json',
      );
      const missing = elements.filter((e) => !schedule.elements.includes(e));
      if (missing.length)
        issues.push({
          field: 'generator.model',
          message: `${c.generator.model} cannot generate ${missing.join(', ')} (not in its vocabulary); choose other chemistry or another generator`,
        });
    } catch (err) {
      issues.push({ field: 'generator.model', message: (err as Error).message });
    }
  let mlipPath = '';
  try {
    mlipPath = await resolveModelPath(c.mlip.model);
    const card = await readModelCard(cardPathFor(mlipPath));
    const missing = elements.filter((e) => !card.elements.includes(e));
    if (missing.length)
      issues.push({
        field: 'mlip.model',
        message: `${card.name} does not support ${missing.join(', ')} (its card lists the elements it was trained on); choose other chemistry or another MLIP`,
      });
  } catch (err) {
    issues.push({ field: 'mlip.model', message: (err as Error).message });
  }
  const noReference = elementsWithoutGroundState(elements);
  if (noReference.length)
    issues.push({
      field: 'chemistry',
      message: `unsupported: no DFT elemental reference for ${noReference.join(', ')} (gaseous, molecular or complex ground state; see campaign/elemental-ground-states.ts), so DFT formation energies and stability cannot be computed; remove these elements`,
    });
  if (c.dft.engine === 'qe') {
    try {
      const sssp = await loadSssp(options.pseudoDir);
      const missing = elements.filter(
        (e) => !sssp.entries.has(e) || !existsSync(join(sssp.pseudoDir, sssp.entries.get(e)!.filename)),
      );
      if (missing.length)
        issues.push({
          field: 'chemistry',
          message: `no pseudopotential for ${missing.join(', ')} in ${sssp.pseudoDir}; remove these elements or add their UPF files`,
        });
    } catch (err) {
      issues.push({ field: 'dft.engine', message: (err as Error).message });
    }
  }
  if (c.dft.engine === 'vasp') {
    const vasp = checkVaspSetup(options.env);
    if (vasp.problems.length)
      issues.push({
        field: 'dft.engine',
        message: `vasp cannot run on this host: ${vasp.problems.join('; ')}; ${VASP_SETUP_FIX}`,
      });
  }
  if (issues.length) throw new CampaignConfigError(issues);
  return { generatorPath, mlipPath };
}

/** Parses and checks a configuration file's text: what `matdisc campaign start` runs. */
export async function loadCampaignConfig(
  text: string,
  options: { readonly pseudoDir?: string | undefined; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<CampaignConfig> {
  const config = parseCampaignText(text);
  await checkCampaignResources(config, options);
  return config;
}

/** JSON Schema of the configuration, for editors (`contracts/campaign-config.schema.json`). */
export function campaignConfigJsonSchema(): unknown {
  return z.toJSONSchema(CampaignConfigSchema, { io: 'input', unrepresentable: 'any' });
}
