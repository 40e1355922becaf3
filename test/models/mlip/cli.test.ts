/** `matdisc predict` and `matdisc relax`, run in-process through commander. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../helpers/run-command.js';
import { writeCif } from '../../../crystal/io/cif.js';
import { readExtxyz } from '../../../crystal/io/extxyz.js';
import { writeExtxyz } from '../../../crystal/io/extxyz.js';
import { registerPredict } from '../../../cli/commands/predict.js';
import { registerRelax } from '../../../cli/commands/relax.js';
import { MORSE, MORSE_PARAMS } from './models.js';
import { morseEvaluate, readMorseParams } from './morse-reference.js';
import { fcc, rattle, rockSalt } from './structures.js';

const run = (argv: string[]) => runCommand([registerPredict, registerRelax], argv);

describe('matdisc predict / relax', () => {
  let dir: string;
  const cu = rattle(fcc('Cu', 3.6), 0.05, 9);
  const salt = rattle(rockSalt('Na', 'Cl', 5.5), 0.05, 9);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-cli-'));
    writeFileSync(join(dir, 'cu.cif'), writeCif(cu));
    writeFileSync(join(dir, 'two.extxyz'), writeExtxyz([{ structure: cu }, { structure: salt }]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('predict --json prints the documented keys with the analytic numbers', async () => {
    const json = JSON.parse(
      await run(['predict', join(dir, 'cu.cif'), '--model', MORSE, '--device', 'cpu', '--json']),
    );
    expect(Object.keys(json).sort()).toEqual(
      ['energy_ev', 'energy_per_atom_ev', 'forces_ev_per_a', 'stress_ev_per_a3', 'uncertainty'].sort(),
    );
    expect(Object.keys(json.uncertainty).sort()).toEqual([
      'energy_std_ev_per_atom',
      'max_force_dev_ev_per_a',
    ]);
    const ref = morseEvaluate(readMorseParams(MORSE_PARAMS), cu);
    expect(json.energy_ev).toBeCloseTo(ref.energyEv, 4); // CIF keeps 8 decimals of fractional coordinates
    expect(json.forces_ev_per_a).toHaveLength(4);
    const many = JSON.parse(await run(['predict', join(dir, 'two.extxyz'), '--model', MORSE, '--json']));
    expect(many).toHaveLength(2);
    expect(await run(['predict', join(dir, 'cu.cif'), '--model', MORSE])).toMatch(/energy .* eV\/atom/);
  });

  it('relax --json relaxes every structure of every file and writes extxyz to --out', async () => {
    const out = join(dir, 'relaxed');
    const text = await run([
      'relax',
      join(dir, 'cu.cif'),
      join(dir, 'two.extxyz'),
      '--model',
      MORSE,
      '--fmax',
      '0.01',
      '--steps',
      '400',
      '--out',
      out,
      '--json',
    ]);
    const json = JSON.parse(text);
    expect(json.model).toBe('morse-committee');
    expect(json.results).toHaveLength(3);
    for (const r of json.results) {
      expect(r.converged).toBe(true);
      expect(r.fmax_ev_per_a).toBeLessThan(0.01);
      const [frame] = readExtxyz(readFileSync(r.output, 'utf8'));
      expect(frame!.energy).toBeCloseTo(r.energy_ev, 6);
      expect(frame!.info.converged).toBe(true);
    }
    expect(json.results.map((r: { output: string }) => r.output.split('/').pop())).toEqual([
      'cu.relaxed.extxyz',
      'two-0.relaxed.extxyz',
      'two-1.relaxed.extxyz',
    ]);
    const fixed = JSON.parse(
      await run([
        'relax',
        join(dir, 'cu.cif'),
        '--model',
        MORSE,
        '--fixed-cell',
        '--steps',
        '3',
        '--fmax',
        '1e-6',
        '--json',
      ]),
    );
    expect(fixed.results[0]).toMatchObject({ converged: false, stop_reason: 'max-steps', n_steps: 3 });
  });

  it('rejects bad options and explains how to pick a model', async () => {
    await expect(run(['relax', join(dir, 'cu.cif'), '--fmax', '-1'])).rejects.toThrow(
      /--fmax.*expected a number > 0/,
    );
    await expect(run(['predict', join(dir, 'cu.cif'), '--model', 'no-such-model'])).rejects.toThrow(
      /no model named "no-such-model"/,
    );
  });
});
