/**
 * File names of `matdisc relax --out DIR`: `<stem>[-<k>].relaxed.extxyz` (k: the structure's index
 * in a file that holds several), unique across the whole batch. Inputs that share a name
 * (`a/POSCAR` and `b/POSCAR`) used to overwrite each other's output; they get their parent folder
 * as a prefix (`a-POSCAR.relaxed.extxyz`), and names still taken (the same file given twice, two
 * parents of the same name) a counter (`POSCAR-2.relaxed.extxyz`).
 *
 * ```ts
 * relaxOutputNames([{ file: 'a/POSCAR', index: 0, count: 1 }, { file: 'b/POSCAR', index: 0, count: 1 }]);
 * // ['a-POSCAR.relaxed.extxyz', 'b-POSCAR.relaxed.extxyz']
 * ```
 */
import { basename, dirname, resolve } from 'node:path';

export interface RelaxInput {
  readonly file: string;
  /** Index of the structure in its file. */
  readonly index: number;
  /** Structures in that file. */
  readonly count: number;
}

const SUFFIX = '.relaxed.extxyz';

export function relaxOutputNames(inputs: readonly RelaxInput[]): string[] {
  const stems = inputs.map(({ file, index, count }) => {
    const stem = basename(file)
      .replace(/\.gz$/i, '')
      .replace(/\.[^.]+$/, '');
    return `${stem}${count > 1 ? `-${index}` : ''}`;
  });
  const uses = new Map<string, number>();
  for (const s of stems) uses.set(s, (uses.get(s) ?? 0) + 1);
  const taken = new Set<string>();
  return stems.map((stem, k) => {
    const parent = basename(dirname(resolve(inputs[k]!.file)));
    const base = uses.get(stem)! > 1 && parent ? `${parent}-${stem}` : stem;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return `${name}${SUFFIX}`;
  });
}
