/**
 * Shared pieces of the DFT tests: the pseudo dir, small structures, and a /proc scan for pw.x
 * processes left behind.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mat3, Vec3 } from '../../crystal/lattice.js';
import { Structure } from '../../crystal/structure.js';
import { BOHR_IN_A } from '../../dft/qe/qe-units.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const pseudoDir =
  process.env.PSEUDO_DIR ?? resolve(repoRoot, '../shared/data/pseudos/SSSP_1.3.0_PBE_efficiency');
export const fixturesDir = resolve(repoRoot, 'test/dft/fixtures');

/** fcc primitive vectors exactly as pw.x builds them for ibrav = 2 (a in Å). */
export function fccIbrav2(a: number): Mat3 {
  const h = a / 2;
  return [
    [-h, 0, h],
    [0, h, h],
    [-h, h, 0],
  ];
}

/** fcc primitive vectors (0, a/2, a/2), (a/2, 0, a/2), (a/2, a/2, 0). */
export function fcc(a: number): Mat3 {
  const h = a / 2;
  return [
    [0, h, h],
    [h, 0, h],
    [h, h, 0],
  ];
}

/** Lattice constant in Å of a pw.x `celldm(1)` in bohr. */
export const celldmToA = (celldm: number) => celldm * BOHR_IN_A;

export function siliconDiamond(a: number, lattice: Mat3 = fcc(a)): Structure {
  return Structure.create(
    lattice,
    ['Si', 'Si'],
    [
      [0, 0, 0],
      [0.25, 0.25, 0.25],
    ],
  );
}

export function magnesiumOxide(a: number, lattice: Mat3 = fcc(a)): Structure {
  return Structure.create(
    lattice,
    ['Mg', 'O'],
    [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
    ],
  );
}

/** Si diamond (standard fcc vectors) with atom 1 moved by `dx` Å along x. */
export function displacedSilicon(a: number, dx: number): Structure {
  const lattice = fcc(a);
  const x1: Vec3 = [a / 4 + dx, a / 4, a / 4];
  return Structure.fromCartesian(lattice, ['Si', 'Si'], [[0, 0, 0], x1]);
}

/** Live pw.x processes whose working directory is inside `root`. */
export async function pwProcessesUnder(root: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || !/^(pw\.x|mpirun|orted)$/.test(comm)) continue;
      const cwd = await readlink(`/proc/${name}/cwd`);
      if (cwd.startsWith(root)) found.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
