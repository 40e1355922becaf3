/** Output names of `matdisc relax --out`: unique however the inputs are named (64 POSCARs made 49 files). */
import { describe, expect, it } from 'vitest';
import { relaxOutputNames } from '../../../cli/relax-output-names.js';

describe('relax output names', () => {
  const one = (file: string) => ({ file, index: 0, count: 1 });

  it('keeps the plain names when they differ', () => {
    expect(
      relaxOutputNames([
        one('cu.cif'),
        { file: 'two.extxyz', index: 0, count: 2 },
        { file: 'two.extxyz', index: 1, count: 2 },
      ]),
    ).toEqual(['cu.relaxed.extxyz', 'two-0.relaxed.extxyz', 'two-1.relaxed.extxyz']);
  });

  it('prefixes the folder when names collide, and counts when that is not enough', () => {
    expect(
      relaxOutputNames([
        one('runs/a/POSCAR'),
        one('runs/b/POSCAR'),
        one('other/a/POSCAR'),
        one('runs/a/POSCAR'),
      ]),
    ).toEqual([
      'a-POSCAR.relaxed.extxyz',
      'b-POSCAR.relaxed.extxyz',
      'a-POSCAR-2.relaxed.extxyz',
      'a-POSCAR-3.relaxed.extxyz',
    ]);
  });

  it('64 inputs of 49 names give 64 distinct outputs', () => {
    const inputs = Array.from({ length: 64 }, (_, k) =>
      one(`set${k % 4}/${k < 30 ? 'POSCAR' : `s${k % 49}.cif`}`),
    );
    expect(new Set(relaxOutputNames(inputs)).size).toBe(64);
  });

  it('a prefixed name never takes a plain one', () => {
    expect(relaxOutputNames([one('x/a-POSCAR'), one('a/POSCAR'), one('b/a/POSCAR')])).toEqual([
      'a-POSCAR.relaxed.extxyz',
      'a-POSCAR-2.relaxed.extxyz',
      'a-POSCAR-3.relaxed.extxyz',
    ]);
  });
});
