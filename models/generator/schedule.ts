/**
 * The schedule JSON beside every generator (`<name>.schedule.json`): the noise schedules of the
 * joint diffusion (DiffCSP, Jiao et al., NeurIPS 2023, arXiv:2309.04475), the lattice
 * normalisation, the element vocabulary, the number-of-atoms distributions and the sampler's
 * step sizes. Validated with zod on load; errors name the field.
 *
 * Indexing (as the file states): every array has `num_steps + 1` entries, s = 0..num_steps;
 * s = 0 is clean data (beta 0, alpha_bar 1, sigma 0, normaliser 1); sampling runs s = num_steps
 * down to 1 and feeds the network t = s / num_steps.
 */
import { z } from 'zod';
import { parseJsonFile, readJsonFile, type JsonFileErrors } from '../onnx/json-file.js';
import { GeneratorModelError, GeneratorModelNotFoundError } from './errors.js';

/** The schedule format this runtime reads. */
export const SCHEDULE_FORMAT = 'matdisc-generator-schedule-v1';

const finite = z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const series = z.array(finite).min(2);
const counts = z.record(z.string().regex(/^\d+$/, { message: 'expected an atom count' }), z.number().min(0));

const DdpmSchema = z.looseObject({
  betas: series,
  alphas: series,
  alpha_bars: series,
  posterior_sigmas: series,
});

export const ScheduleSchema = z
  .looseObject({
    format: z.literal(SCHEDULE_FORMAT),
    model: z.string().optional(),
    num_steps: z.number().int().positive(),
    lattice: DdpmSchema.extend({
      normalisation: z.looseObject({
        /** Å: lattice_model = lattice_Å / (scale_a · n^natoms_exponent). */
        scale_a: z.number().positive(),
        natoms_exponent: z.number().min(0).max(1),
      }),
    }),
    coords: z.looseObject({
      sigma_begin: z.number().positive(),
      sigmas: series,
      normalisers: series,
    }),
    types: DdpmSchema.extend({ one_hot_scale: z.number().positive().optional() }),
    sampler: z.looseObject({
      step_lr: z.looseObject({ csp: z.number().positive(), gen: z.number().positive() }),
      corrector_steps: z.number().int().min(0).optional(),
      /** Respaced steps that callers run by default (campaigns); see {@link GeneratorSchedule.defaultSteps}. */
      default_steps: z.number().int().positive().optional(),
    }),
    /** Element symbol of each type channel, index k = Z - 1. */
    elements: z.array(z.string().min(1)).min(1),
    natoms_distribution: z.looseObject({
      overall: counts,
      by_chemical_system: z.record(z.string(), counts).optional(),
    }),
  })
  .superRefine((s, ctx) => {
    const n = s.num_steps + 1;
    const arrays: [string[], number][] = [
      [['lattice', 'betas'], s.lattice.betas.length],
      [['lattice', 'alphas'], s.lattice.alphas.length],
      [['lattice', 'alpha_bars'], s.lattice.alpha_bars.length],
      [['lattice', 'posterior_sigmas'], s.lattice.posterior_sigmas.length],
      [['types', 'betas'], s.types.betas.length],
      [['types', 'alphas'], s.types.alphas.length],
      [['types', 'alpha_bars'], s.types.alpha_bars.length],
      [['types', 'posterior_sigmas'], s.types.posterior_sigmas.length],
      [['coords', 'sigmas'], s.coords.sigmas.length],
      [['coords', 'normalisers'], s.coords.normalisers.length],
    ];
    for (const [path, len] of arrays) {
      if (len !== n) {
        ctx.addIssue({ code: 'custom', path, message: `expected num_steps + 1 = ${n} entries, got ${len}` });
      }
    }
    if (s.sampler.default_steps !== undefined && s.sampler.default_steps > s.num_steps) {
      ctx.addIssue({
        code: 'custom',
        path: ['sampler', 'default_steps'],
        message: `expected at most num_steps = ${s.num_steps}, got ${s.sampler.default_steps}`,
      });
    }
    if (!Object.values(s.natoms_distribution.overall).some((c) => c > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['natoms_distribution', 'overall'],
        message: 'needs at least one positive count',
      });
    }
  });

type ScheduleJson = z.infer<typeof ScheduleSchema>;

/** One DDPM (lattice or types), arrays indexed by s = 0..numSteps. */
export interface DdpmSchedule {
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphaBars: Float64Array;
  readonly posteriorSigmas: Float64Array;
}

/** A validated schedule, arrays as Float64Array indexed by s = 0..numSteps. */
export interface GeneratorSchedule {
  readonly numSteps: number;
  readonly lattice: DdpmSchedule & {
    /** Å; see {@link GeneratorSchedule} module doc. */
    readonly scaleA: number;
    readonly natomsExponent: number;
  };
  readonly coords: {
    readonly sigmaBegin: number;
    readonly sigmas: Float64Array;
    readonly normalisers: Float64Array;
  };
  readonly types: DdpmSchedule & { readonly oneHotScale: number };
  /** Langevin step sizes of the corrector, for CSP and for de-novo generation. */
  readonly stepLr: { readonly csp: number; readonly gen: number };
  readonly correctorSteps: number;
  /**
   * Steps a campaign runs when its config names none (`sampler.default_steps` of the file, else
   * num_steps): a respaced schedule measured to sample as well as the full one for this model
   * (models/generator/README.md, "Steps vs quality"). The sampler's own default stays num_steps.
   */
  readonly defaultSteps: number;
  /** Element symbol of each type channel (T = elements.length). */
  readonly elements: readonly string[];
  /** Training counts of cells by number of atoms: overall, and per chemical system ('Li-O-Si'). */
  readonly natoms: {
    readonly overall: ReadonlyMap<number, number>;
    readonly bySystem: ReadonlyMap<string, ReadonlyMap<number, number>>;
  };
  /** The parsed JSON (extra fields kept). */
  readonly json: ScheduleJson;
}

const ddpm = (d: z.infer<typeof DdpmSchema>): DdpmSchedule => ({
  betas: Float64Array.from(d.betas),
  alphas: Float64Array.from(d.alphas),
  alphaBars: Float64Array.from(d.alpha_bars),
  posteriorSigmas: Float64Array.from(d.posterior_sigmas),
});

const countMap = (c: Record<string, number>): ReadonlyMap<number, number> =>
  new Map(
    Object.entries(c)
      .map(([n, k]) => [Number(n), k] as [number, number])
      .filter(([n, k]) => n > 0 && k > 0)
      .sort((a, b) => a[0] - b[0]),
  );

const SCHEDULE_ERRORS: JsonFileErrors = {
  label: 'generator schedule',
  hint: 'every generator .onnx needs its <name>.schedule.json beside it, written by the same export',
  unreadable: (message, path, { cause }) => new GeneratorModelNotFoundError(message, path, { cause }),
  invalid: (message, path, { fields, ...options }) => new GeneratorModelError(message, path, fields, options),
};

/** Validates parsed JSON as a schedule; throws {@link GeneratorModelError} naming every bad field. */
export function parseSchedule(value: unknown, path: string): GeneratorSchedule {
  const s = parseJsonFile(ScheduleSchema, value, path, SCHEDULE_ERRORS);
  return Object.freeze({
    numSteps: s.num_steps,
    lattice: {
      ...ddpm(s.lattice),
      scaleA: s.lattice.normalisation.scale_a,
      natomsExponent: s.lattice.normalisation.natoms_exponent,
    },
    coords: {
      sigmaBegin: s.coords.sigma_begin,
      sigmas: Float64Array.from(s.coords.sigmas),
      normalisers: Float64Array.from(s.coords.normalisers),
    },
    types: { ...ddpm(s.types), oneHotScale: s.types.one_hot_scale ?? 1 },
    stepLr: { csp: s.sampler.step_lr.csp, gen: s.sampler.step_lr.gen },
    correctorSteps: s.sampler.corrector_steps ?? 1,
    defaultSteps: s.sampler.default_steps ?? s.num_steps,
    elements: Object.freeze([...s.elements]),
    natoms: {
      overall: countMap(s.natoms_distribution.overall),
      bySystem: new Map(
        Object.entries(s.natoms_distribution.by_chemical_system ?? {}).map(([k, v]) => [k, countMap(v)]),
      ),
    },
    json: s,
  });
}

/** Reads and validates a schedule file. */
export async function readSchedule(path: string): Promise<GeneratorSchedule> {
  return parseSchedule(await readJsonFile(path, SCHEDULE_ERRORS), path);
}
