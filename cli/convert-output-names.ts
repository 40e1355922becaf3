/**
 * Output paths of `matdisc convert IN... --out-dir DIR --to FORMAT`: `DIR/<stem>[-<k>].<ext>`, the
 * stem being the input's name without `.gz` and its last extension (`POSCAR` stays `POSCAR`), and k
 * (1, 2, …) the structure's place in an input that holds several. Two inputs that would write the
 * same path (`a/POSCAR` and `b/POSCAR`) are refused, naming both, rather than one overwriting the
 * other.
 *
 * ```ts
 * convertOutputPaths([{ input: 'si.cif', count: 1 }, { input: 'md.extxyz', count: 2 }], 'out', '.vasp');
 * // [['out/si.vasp'], ['out/md-1.vasp', 'out/md-2.vasp']]
 * ```
 */
import { basename, join } from 'node:path';

export interface ConvertInput {
  readonly input: string;
  /** Structures read from it. */
  readonly count: number;
}

/** For each input, the path of each of its structures. Throws when two would share a path. */
export function convertOutputPaths(
  inputs: readonly ConvertInput[],
  outDir: string,
  extension: string,
): string[][] {
  const writtenBy = new Map<string, string>();
  return inputs.map(({ input, count }) => {
    const stem = basename(input)
      .replace(/\.gz$/i, '')
      .replace(/(.)\.[^.]+$/, '$1');
    return Array.from({ length: count }, (_, k) => {
      const output = join(outDir, `${stem}${count > 1 ? `-${k + 1}` : ''}${extension}`);
      const earlier = writtenBy.get(output);
      if (earlier !== undefined)
        throw new Error(
          `${earlier} and ${input} would both be written to ${output}: convert them in separate runs ` +
            'with different --out-dir folders, or rename one',
        );
      writtenBy.set(output, input);
      return output;
    });
  });
}
