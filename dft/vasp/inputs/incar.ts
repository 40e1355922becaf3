/**
 * INCAR: from a parameter set and a structure (already in VASP's species-grouped order) to the tags
 * (`resolveIncar`), and from the tags to text (`renderIncar`). The key order is fixed, so the same
 * inputs always give the same file: SYSTEM, then the derived tags in the order of `TAG_ORDER`, then
 * the set's free `incar` tags alphabetically.
 *
 * Example: Li2O (Li, Li, O), production set, 'vc-relax' (golden text in test/dft/vasp/fixtures):
 *
 * ```
 * SYSTEM = Li2O matdisc production vc-relax
 * ENCUT = 520
 * ALGO = Fast
 * EDIFF = 0.00015
 * NELM = 100
 * ISMEAR = 0
 * SIGMA = 0.05
 * ISPIN = 2
 * MAGMOM = 3*0.6
 * IBRION = 2
 * ISIF = 3
 * NSW = 99
 * EDIFFG = -0.02
 * LASPH = .TRUE.
 * LCHARG = .FALSE.
 * …
 * ```
 */
import { Structure } from '../../../crystal/structure.js';
import { EngineInputError } from '../../errors.js';
import { hubbardUFor } from '../../hubbard-u.js';
import { VaspParams, type IncarValue } from '../vasp-params.js';

/** Ordered INCAR tags. */
export type IncarTags = ReadonlyArray<readonly [string, IncarValue]>;

/** Order of the tags the template derives; free tags follow alphabetically. */
export const TAG_ORDER = [
  'SYSTEM',
  'ENCUT',
  'ALGO',
  'EDIFF',
  'NELM',
  'ISMEAR',
  'SIGMA',
  'ISPIN',
  'MAGMOM',
  'LDAU',
  'LDAUTYPE',
  'LDAUL',
  'LDAUU',
  'LDAUJ',
  'LMAXMIX',
  'IBRION',
  'ISIF',
  'NSW',
  'EDIFFG',
];

/** A number as INCAR text: integers plainly, others to 10 significant digits ('0.00015', '1e-7'). */
export function formatIncarNumber(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`INCAR value must be finite, got ${x}`);
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(10)));
}

/** Run-length form VASP reads for MAGMOM and similar lists: [5, 5, 0.6] -> '2*5 0.6'. */
export function compressList(values: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    const text = formatIncarNumber(values[i]!);
    parts.push(j - i > 1 ? `${j - i}*${text}` : text);
    i = j;
  }
  return parts.join(' ');
}

function formatValue(tag: string, value: IncarValue): string {
  if (typeof value === 'boolean') return value ? '.TRUE.' : '.FALSE.';
  if (typeof value === 'number') return formatIncarNumber(value);
  if (Array.isArray(value)) return compressList(value);
  if (/[\r\n!#]/.test(value))
    throw new RangeError(`INCAR ${tag} value ${JSON.stringify(value)} holds a newline or comment character`);
  return value;
}

/** INCAR text: one `TAG = value` per line, in the given order. */
export function renderIncar(tags: IncarTags): string {
  return tags.map(([tag, value]) => `${tag} = ${formatValue(tag, value)}`).join('\n') + '\n';
}

/** Whether `structure` is run spin-polarised under `params`, and each atom's initial moment. */
export function spinSetup(
  structure: Structure,
  params: VaspParams,
): { readonly ispin: 1 | 2; readonly magmom: number[] | null } {
  const magnetic = structure.species.some((el) => VaspParams.magneticMoment(params, el) !== null);
  const polarised = params.spinPolarization === 'on' || (params.spinPolarization === 'auto' && magnetic);
  if (!polarised) return { ispin: 1, magmom: null };
  return {
    ispin: 2,
    magmom: structure.species.map((el) => VaspParams.magneticMoment(params, el) ?? params.defaultMagmom),
  };
}

/**
 * LDAU tags of MP's GGA+U (pymatgen's DictSet): one value per POSCAR species, d shell (L = 2) on
 * the elements with U, L = 0 and U = 0 elsewhere, LMAXMIX 4 so the d occupancies are mixed.
 */
export function hubbardTags(structure: Structure, params: VaspParams): Record<string, IncarValue> {
  const u = params.hubbardU === 'mp2020' ? hubbardUFor(structure.species) : null;
  if (u === null) return {};
  const species = [...new Set(structure.species)];
  return {
    LDAU: true,
    LDAUTYPE: 2,
    LDAUL: species.map((el) => (u.has(el) ? 2 : 0)),
    LDAUU: species.map((el) => u.get(el) ?? 0),
    LDAUJ: species.map(() => 0),
    LMAXMIX: 4,
  };
}

/** Every INCAR tag for `structure` (VASP order) under `params`, in file order. */
export function resolveIncar(structure: Structure, params: VaspParams): IncarTags {
  const n = structure.species.length;
  const { ispin, magmom } = spinSetup(structure, params);
  const relaxing = params.calculation !== 'scf';
  const derived: Record<string, IncarValue> = {
    SYSTEM: `${Structure.reducedFormula(structure)} matdisc ${params.name} ${params.calculation}`,
    ENCUT: params.encutEv,
    ALGO: params.algo,
    EDIFF: Number((params.ediffPerAtomEv * n).toPrecision(10)),
    NELM: params.nelm,
    ISMEAR: params.ismear,
    SIGMA: params.sigmaEv,
    ISPIN: ispin,
    ...(magmom ? { MAGMOM: magmom } : {}),
    ...hubbardTags(structure, params),
    IBRION: relaxing ? params.ibrion : -1,
    // ISIF 2 also for single points: it makes VASP compute the stress tensor.
    ISIF: params.calculation === 'vc-relax' ? 3 : 2,
    NSW: relaxing ? params.nsw : 0,
    ...(relaxing ? { EDIFFG: -params.ediffgEvPerA } : {}),
  };
  for (const tag of Object.keys(params.incar)) {
    if (tag in derived) {
      throw new EngineInputError(
        `INCAR tag ${tag} in 'incar' is derived by the template; change its field instead`,
        {
          engine: 'vasp',
          field: `incar.${tag}`,
        },
      );
    }
  }
  const ordered = TAG_ORDER.filter((t) => t in derived).map((t) => [t, derived[t]!] as const);
  const free = Object.keys(params.incar)
    .sort()
    .map((t) => [t, params.incar[t]!] as const);
  return [...ordered, ...free];
}
