/**
 * `QeProfile`: one pw.x parameter set, validated by zod. The named sets are data files beside this
 * one (STYLE.md L5):
 * - `sets/test.json`: fast and loose (SSSP cutoffs, 1.5 Å k-density, plain GGA) for tests and smoke
 *   runs; its energies are tens of meV/atom from converged (bench/qe-convergence.ts), so stability
 *   decisions made with it are provisional.
 * - `sets/standard.json`: the default for stability decisions. k-point density 6.67 Å and cold
 *   smearing 0.02 Ry, measured within 5 meV/atom of a denser grid and of half the smearing
 *   (bench/qe-convergence.ts, table in dft/qe/README.md); MP's GGA+U on oxides and fluorides of
 *   V–W; vc-relax to 0.01 eV/Å and 1 kbar.
 * - `sets/production.json`: the same physics with tighter thresholds (modelled on
 *   aiida-quantumespresso's "moderate" protocol: conv_thr 2e-10 Ry/atom, forc_conv_thr 1e-4 Ry/bohr).
 *
 * A profile is the `P` of `EngineTemplate<P>`: handlers change its fields, and each attempt stores
 * the profile it ran with. Units follow the pw.x keyword each field becomes, stated in its name
 * where it is not a base unit (Ry, kbar); force thresholds are in eV/Å and converted on writing.
 *
 * ```ts
 * QeProfile.named('test', { calculation: 'vc-relax' });
 * QeProfile.parse({ ...QeProfile.named('test'), mixingBeta: 2 });
 * // EngineInputError: invalid QE profile field 'mixingBeta': Too big: expected number to be <=1
 * ```
 */
import { z } from 'zod';
import { EngineInputError } from '../errors.js';
import productionSet from './sets/production.json' with { type: 'json' };
import standardSet from './sets/standard.json' with { type: 'json' };
import testSet from './sets/test.json' with { type: 'json' };

const positiveInt = z.int().min(1);

const schema = z
  .strictObject({
    /** Name stored with results, e.g. 'production'. */
    name: z.string().min(1),
    /** pw.x `calculation`. */
    calculation: z.enum(['scf', 'relax', 'vc-relax']),
    /** Monkhorst–Pack density, Å (see kpoints.ts; ASE's `kptdensity`). */
    kpointDensity: z.number().positive(),
    /** Explicit grid; overrides `kpointDensity` when set. */
    kpointGrid: z.tuple([positiveInt, positiveInt, positiveInt]).nullable(),
    /** pw.x `occupations`: 'smearing' for metals (and anything unknown), 'fixed' for insulators. */
    occupations: z.enum(['smearing', 'fixed']),
    /** pw.x `smearing`: 'mv' = Marzari–Vanderbilt cold smearing. */
    smearing: z.enum(['mv', 'gaussian', 'mp', 'fd']),
    /** pw.x `degauss`, Ry. */
    degaussRy: z.number().positive(),
    /** pw.x `conv_thr` = this × number of atoms, Ry. */
    convThrPerAtomRy: z.number().positive(),
    /** pw.x `mixing_beta`. */
    mixingBeta: z.number().gt(0).lte(1),
    /** pw.x `mixing_mode`. */
    mixingMode: z.enum(['plain', 'TF', 'local-TF']),
    /** pw.x `electron_maxstep`. */
    electronMaxstep: positiveInt,
    /** pw.x `diagonalization`. */
    diagonalization: z.enum(['david', 'cg', 'ppcg']),
    /**
     * 'auto': spin-polarised (nspin = 2) when the structure holds a magnetic element (see
     * MAGNETIC_ELEMENTS); 'on': always, 'off': never.
     */
    spinPolarization: z.enum(['auto', 'on', 'off']),
    /**
     * GGA+U: 'mp2020' puts the Materials Project's U on V, Cr, Mn, Fe, Co, Ni, Mo, W in oxides and
     * fluorides (../hubbard-u.ts); 'off': plain GGA. Profiles stored before it existed were 'off'.
     */
    hubbardU: z.enum(['off', 'mp2020']).default('off'),
    /** pw.x `starting_magnetization` of magnetic species (of every species for 'on' without any). */
    startingMagnetization: z.number().min(-1).max(1),
    /** Factor on the SSSP cutoffs (both, so the dual is kept). */
    cutoffScale: z.number().min(0.5).max(4),
    /** Explicit `ecutwfc`, Ry; overrides SSSP × cutoffScale when set. */
    ecutwfcRy: z.number().positive().nullable(),
    /** Explicit `ecutrho`, Ry; overrides SSSP × cutoffScale when set. */
    ecutrhoRy: z.number().positive().nullable(),
    /** Force threshold of relaxations, eV/Å (written as `forc_conv_thr` in Ry/bohr). */
    forcConvThrEvPerA: z.number().positive(),
    /** pw.x `press_conv_thr` of vc-relax, kbar. */
    pressConvThrKbar: z.number().positive(),
    /** pw.x `etot_conv_thr` = this × number of atoms, Ry. */
    etotConvThrPerAtomRy: z.number().positive(),
    /** pw.x `nstep`: ionic steps of a relaxation. */
    nstep: positiveInt,
    /** MPI ranks; 'auto' uses every slot the launcher offers, 1 runs pw.x without mpirun. */
    mpiRanks: z.union([z.literal('auto'), positiveInt]),
  })
  .superRefine((p, ctx) => {
    if (p.spinPolarization === 'on' && p.occupations === 'fixed') {
      ctx.addIssue({
        code: 'custom',
        path: ['occupations'],
        message: "spin polarisation 'on' needs 'smearing'",
      });
    }
    if (p.ecutwfcRy !== null && p.ecutrhoRy !== null && p.ecutrhoRy < 4 * p.ecutwfcRy) {
      ctx.addIssue({ code: 'custom', path: ['ecutrhoRy'], message: 'must be at least 4 × ecutwfcRy' });
    }
  });

export type QeProfile = z.output<typeof schema>;
export type QeProfileName = 'test' | 'standard' | 'production';

const SETS: Readonly<Record<QeProfileName, unknown>> = {
  test: testSet,
  standard: standardSet,
  production: productionSet,
};

export const QeProfile = Object.freeze({
  schema,
  names: Object.keys(SETS) as QeProfileName[],

  /**
   * Validates a profile. Throws `EngineInputError` whose message and `field` name the first bad
   * field, e.g. "invalid QE profile field 'mixingBeta': …".
   */
  parse(input: unknown): QeProfile {
    const parsed = schema.safeParse(input);
    if (parsed.success) return Object.freeze(parsed.data);
    const fieldOf = (i: (typeof parsed.error.issues)[number]) =>
      i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.map(String).join('.') || '(profile)';
    const all = parsed.error.issues.map((i) => `'${fieldOf(i)}': ${i.message}`).join('; ');
    throw new EngineInputError(`invalid QE profile field ${all}`, {
      engine: 'qe',
      field: fieldOf(parsed.error.issues[0]!),
    });
  },

  /** A named set, with `overrides` applied and the result validated. */
  named(name: QeProfileName, overrides: Partial<QeProfile> = {}): QeProfile {
    const base = SETS[name];
    if (base === undefined) {
      throw new EngineInputError(
        `unknown QE profile '${String(name)}': expected one of ${Object.keys(SETS).join(', ')}`,
        {
          engine: 'qe',
          field: 'name',
        },
      );
    }
    return QeProfile.parse({ ...(base as object), ...overrides });
  },
});
