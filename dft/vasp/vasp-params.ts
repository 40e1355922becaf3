/**
 * `VaspParams`: one VASP parameter set, validated by zod. The named sets are data files beside this
 * one (STYLE.md L5), each field documented in sets/README.md:
 * - `sets/production.json`, modelled on pymatgen's MPRelaxSet (ENCUT 520 eV, EDIFF 5e-5 eV/atom,
 *   PREC Accurate, LREAL Auto, ALGO Fast, ISPIN 2 with MP's MAGMOM table, MP's POTCAR choices);
 * - `sets/test.json`, cheap and loose, for smoke runs on a licensed host.
 *
 * The tables every set starts from are data too: `sets/mp-potcar-variants.json` (MP's POTCAR per
 * element) and `sets/mp-magnetic-moments.json` (initial moments, μB); a set's `potcarVariants` and
 * `magneticMoments` override single entries.
 *
 * Like `QeProfile` (qe/profiles.ts) a parameter set is the `P` of `EngineTemplate<P>`: handlers change
 * its fields and every attempt stores the set it ran with. Names carry units where they are not
 * the base units.
 *
 * ```ts
 * VaspParams.named('production', { calculation: 'relax' });
 * VaspParams.parse({ ...VaspParams.named('test'), incar: { ENCUT: 600 } });
 * // EngineInputError: invalid VASP parameter 'incar.ENCUT': set by the field encutEv; change that instead
 * ```
 */
import { z } from 'zod';
import { Element } from '../../crystal/elements.js';
import { EngineInputError } from '../errors.js';
import mpMagneticMoments from './sets/mp-magnetic-moments.json' with { type: 'json' };
import mpPotcarVariants from './sets/mp-potcar-variants.json' with { type: 'json' };
import productionSet from './sets/production.json' with { type: 'json' };
import standardSet from './sets/standard.json' with { type: 'json' };
import testSet from './sets/test.json' with { type: 'json' };

/** INCAR tags the template derives from typed fields or from the structure; not allowed in `incar`. */
export const MANAGED_INCAR_TAGS: Readonly<Record<string, string>> = {
  SYSTEM: 'the structure',
  ENCUT: 'the field encutEv',
  ALGO: 'the field algo',
  EDIFF: 'the field ediffPerAtomEv',
  NELM: 'the field nelm',
  ISMEAR: 'the field ismear',
  SIGMA: 'the field sigmaEv',
  ISPIN: 'the field spinPolarization',
  MAGMOM: 'the fields magneticMoments and defaultMagmom',
  ...Object.fromEntries(
    ['LDAU', 'LDAUTYPE', 'LDAUL', 'LDAUU', 'LDAUJ', 'LMAXMIX'].map((t) => [t, 'the field hubbardU']),
  ),
  IBRION: 'the fields calculation and ibrion',
  ISIF: 'the field calculation',
  NSW: 'the fields calculation and nsw',
  EDIFFG: 'the field ediffgEvPerA',
};

const positiveInt = z.int().min(1);
const incarValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]);

const schema = z
  .strictObject({
    /** Name stored with results, e.g. 'production'. */
    name: z.string().min(1),
    /** 'scf': IBRION −1, NSW 0, ISIF 2; 'relax': ions only (ISIF 2); 'vc-relax': ions and cell (ISIF 3). */
    calculation: z.enum(['scf', 'relax', 'vc-relax']),
    /** ENCUT, eV. */
    encutEv: z.number().positive(),
    /** EDIFF = this × number of atoms, eV (pymatgen's EDIFF_PER_ATOM). */
    ediffPerAtomEv: z.number().positive(),
    /** ALGO: electronic minimiser ('Fast' = Davidson then RMM-DIIS; 'All' = conjugate gradient). */
    algo: z.enum(['Normal', 'Fast', 'VeryFast', 'All', 'Damped']),
    /** NELM: most electronic steps per ionic step. */
    nelm: positiveInt,
    /** ISMEAR: 0 Gaussian, 1..N Methfessel–Paxton, −1 Fermi, −5 tetrahedra (Blöchl). */
    ismear: z.int().min(-5).max(5),
    /** SIGMA: smearing width, eV. */
    sigmaEv: z.number().positive(),
    /** GGA+U: 'mp2020' = MP's U on V–W d shells in oxides and fluorides (../hubbard-u.ts), LDAUTYPE 2. */
    hubbardU: z.enum(['off', 'mp2020']).default('off'),
    /**
     * 'on': ISPIN 2 always (MP); 'auto': ISPIN 2 when the structure holds an element of the magnetic
     * moment table (qe/pw-parameters.ts MAGNETIC_ELEMENTS, the same elements); 'off': ISPIN 1.
     */
    spinPolarization: z.enum(['auto', 'on', 'off']),
    /** Initial moment (μB) of elements not in the moment table, when spin-polarised. */
    defaultMagmom: z.number(),
    /** Initial moments, μB, overriding `sets/mp-magnetic-moments.json` per element. */
    magneticMoments: z.record(z.string(), z.number()),
    /** k-point density, Å: n_i = max(1, ⌈|b_i|·density⌉), |b_i| with 2π (qe/kpoints.ts, ASE's kptdensity). */
    kpointDensity: z.number().positive(),
    /** Explicit grid; overrides `kpointDensity` when set. */
    kpointGrid: z.tuple([positiveInt, positiveInt, positiveInt]).nullable(),
    /** 'gamma': Γ-centred grid; 'monkhorst-pack': Monkhorst–Pack (shifted off Γ for even n). */
    kpointStyle: z.enum(['gamma', 'monkhorst-pack']),
    /** IBRION of relaxations: 1 RMM-DIIS quasi-Newton, 2 conjugate gradient, 3 damped MD. */
    ibrion: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    /** NSW of relaxations: most ionic steps. */
    nsw: positiveInt,
    /** Relaxations stop when every force is below this, eV/Å (written as EDIFFG = −value). */
    ediffgEvPerA: z.number().positive(),
    /** POTCAR functional; the POTCAR headers are checked against it. */
    potcarFunctional: z.literal('PBE'),
    /** POTCAR variant per element (folder name in the PAW library), overriding `sets/mp-potcar-variants.json`. */
    potcarVariants: z.record(z.string(), z.string().regex(/^[A-Za-z][A-Za-z0-9_.]*$/)),
    /** Further INCAR tags, written as given (`true` → .TRUE.). Handlers add tags here. */
    incar: z.record(z.string(), incarValue),
    /** MPI ranks; 'auto' uses every slot the launcher offers; 1 runs VASP without mpirun. */
    mpiRanks: z.union([z.literal('auto'), positiveInt]),
    /** Executable name when neither the launcher nor VASP_COMMAND names one: vasp_std, vasp_gam, vasp_ncl. */
    executable: z.string().min(1),
  })
  .superRefine((p, ctx) => {
    // Keys are checked here rather than in z.record, whose key errors lose their message.
    for (const field of ['magneticMoments', 'potcarVariants'] as const) {
      for (const key of Object.keys(p[field])) {
        if (!Element.isElement(key))
          ctx.addIssue({ code: 'custom', path: [field, key], message: 'keys must be element symbols' });
      }
    }
    for (const tag of Object.keys(p.incar)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(tag))
        ctx.addIssue({
          code: 'custom',
          path: ['incar', tag],
          message: 'INCAR tags are upper case, e.g. LREAL',
        });
      const owner = MANAGED_INCAR_TAGS[tag];
      if (owner)
        ctx.addIssue({
          code: 'custom',
          path: ['incar', tag],
          message: `set by ${owner}; change that instead`,
        });
    }
    if (p.ismear === -5 && p.calculation !== 'scf') {
      ctx.addIssue({
        code: 'custom',
        path: ['ismear'],
        message: 'tetrahedra (−5) give wrong forces for metals: use 0 or 1 for relaxations',
      });
    }
  });

export type VaspParams = z.output<typeof schema>;
export type VaspParamsName = 'test' | 'standard' | 'production';
export type IncarValue = z.output<typeof incarValue>;

const SETS: Readonly<Record<VaspParamsName, unknown>> = {
  test: testSet,
  standard: standardSet,
  production: productionSet,
};

export const VaspParams = Object.freeze({
  schema,
  names: Object.keys(SETS) as VaspParamsName[],
  /** MP's POTCAR variant per element (sets/mp-potcar-variants.json). */
  defaultPotcarVariants: Object.freeze({ ...mpPotcarVariants }) as Readonly<Record<string, string>>,
  /** Initial magnetic moments per element, μB (sets/mp-magnetic-moments.json). */
  defaultMagneticMoments: Object.freeze({ ...mpMagneticMoments }) as Readonly<Record<string, number>>,

  /** Validates a parameter set. Throws `EngineInputError` naming the first bad field. */
  parse(input: unknown): VaspParams {
    const parsed = schema.safeParse(input);
    if (parsed.success) return Object.freeze(parsed.data);
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(parameters)';
    const all = parsed.error.issues.map((i) => `'${i.path.map(String).join('.')}': ${i.message}`).join('; ');
    throw new EngineInputError(`invalid VASP parameter ${all}`, { engine: 'vasp', field });
  },

  /** A named set, with `overrides` applied and the result validated. */
  named(name: VaspParamsName, overrides: Partial<VaspParams> = {}): VaspParams {
    const base = SETS[name];
    if (base === undefined) {
      throw new EngineInputError(
        `unknown VASP parameter set '${String(name)}': expected one of ${Object.keys(SETS).join(', ')}`,
        {
          engine: 'vasp',
          field: 'name',
        },
      );
    }
    return VaspParams.parse({ ...(base as object), ...overrides });
  },

  /** POTCAR variant for `element` under `params`: the set's override, MP's choice, else the bare symbol. */
  potcarVariant(params: VaspParams, element: string): string {
    return params.potcarVariants[element] ?? VaspParams.defaultPotcarVariants[element] ?? element;
  },

  /** Initial moment for `element` (μB), or null when it is not in the moment table. */
  magneticMoment(params: VaspParams, element: string): number | null {
    return params.magneticMoments[element] ?? VaspParams.defaultMagneticMoments[element] ?? null;
  },
});
