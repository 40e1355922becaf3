/** `matdisc generate`, run in-process through commander with the untrained fixture. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../helpers/run-command.js';
import { readCif } from '../../../crystal/io/cif.js';
import { registerGenerate } from '../../../cli/commands/generate.js';
import { FAST_STEPS, TINY } from './fixture.js';

const run = (argv: string[]) => runCommand([registerGenerate], argv);

describe('matdisc generate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'matdisc-generate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const common = ['--model', TINY, '--steps', String(FAST_STEPS), '--device', 'cpu', '--threads', '1'];

  it('--system --json prints {requested, valid, invalid[{reason}], files, structures[{spaceGroup}]} and writes the CIFs', async () => {
    const out = join(dir, 'sys');
    const json = JSON.parse(
      await run([
        'generate',
        '--system',
        'Li-Si-O',
        '-n',
        '6',
        '--seed',
        '3',
        '--out',
        out,
        '--json',
        ...common,
      ]),
    );
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['requested', 'valid', 'invalid', 'files']));
    expect(json.requested).toBe(6);
    expect(json.valid).toBe(json.files.length);
    expect(json.valid + json.invalid.length).toBe(6);
    for (const row of json.invalid) {
      expect(Object.keys(row).sort()).toEqual(['codes', 'file', 'index', 'reason']);
      expect(row.reason).toMatch(/^[a-z_]+: /);
    }
    // One `structures` row per valid file, with its space group (moyo, symprec 0.1 Å).
    expect(json.structures.map((r: { file: string }) => r.file)).toEqual(json.files);
    for (const row of json.structures) {
      expect(Object.keys(row).sort()).toEqual(['file', 'index', 'spaceGroup']);
      if (row.spaceGroup !== null) {
        expect(row.spaceGroup.number).toBeGreaterThanOrEqual(1);
        expect(row.spaceGroup.number).toBeLessThanOrEqual(230);
        expect(row.spaceGroup.symbol).toMatch(/^[PABCFIR]\S*$/);
      }
    }
    const written = [
      ...json.files,
      ...json.invalid.map((r: { file: string | null }) => r.file).filter(Boolean),
    ];
    expect(written.length).toBeGreaterThan(0);
    for (const f of written) {
      const s = readCif(readFileSync(join(out, f), 'utf8'));
      for (const el of s.species) expect(['Li', 'Si', 'O']).toContain(el);
    }
  });

  it('--composition keeps the formula; the same seed writes the same files', async () => {
    const a = JSON.parse(
      await run([
        'generate',
        '--composition',
        'NaCl',
        '-n',
        '3',
        '--natoms',
        '8',
        '--out',
        join(dir, 'a'),
        '--json',
        ...common,
      ]),
    );
    const b = JSON.parse(
      await run([
        'generate',
        '--composition',
        'NaCl',
        '-n',
        '3',
        '--natoms',
        '8',
        '--out',
        join(dir, 'b'),
        '--json',
        ...common,
      ]),
    );
    const names = (j: { files: string[]; invalid: { file: string | null }[] }) =>
      [...j.files, ...j.invalid.map((r) => r.file)].filter((f): f is string => f !== null).sort();
    expect(names(a)).toEqual(names(b));
    for (const f of names(a)) {
      expect(f).toMatch(/NaCl\.cif$/);
      expect(readFileSync(join(dir, 'a', f), 'utf8')).toBe(readFileSync(join(dir, 'b', f), 'utf8'));
    }
  });

  it('fails clearly on an unknown element, a foreign model path, or both --system and --composition', async () => {
    await expect(run(['generate', '--system', 'Li-Xy', '--out', join(dir, 'x'), ...common])).rejects.toThrow(
      /unknown element "Xy"/,
    );
    await expect(
      run(['generate', '--composition', 'Zz2O', '--out', join(dir, 'x'), ...common]),
    ).rejects.toThrow(/unknown element "Zz"/);
    await expect(
      run(['generate', '--system', 'Li-O', '--out', join(dir, 'x'), '--model', join(dir, 'missing.onnx')]),
    ).rejects.toThrow(/missing\.onnx.*generator-train/);
    await expect(
      run(['generate', '--system', 'Li-O', '--composition', 'Li2O', '--out', join(dir, 'x'), ...common]),
    ).rejects.toThrow(/either --system or --composition/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('--system gives every structure every element; --allow-subsystems goes with --system only', async () => {
    const out = join(dir, 'alloy');
    const json = JSON.parse(
      await run([
        'generate',
        '--system',
        'Cu-Au',
        '--natoms',
        '2',
        '-n',
        '6',
        '--out',
        out,
        '--json',
        ...common,
      ]),
    );
    expect(json.warnings).toEqual([]);
    const written = [
      ...json.files,
      ...json.invalid.map((r: { file: string | null }) => r.file).filter(Boolean),
    ];
    expect(written).toHaveLength(6);
    for (const f of written) {
      expect(f).toMatch(/-CuAu\.cif$/);
      expect(
        readCif(readFileSync(join(out, f), 'utf8'))
          .species.slice()
          .sort(),
      ).toEqual(['Au', 'Cu']);
    }
    await expect(
      run(['generate', '--composition', 'NaCl', '--allow-subsystems', '--out', join(dir, 'y'), ...common]),
    ).rejects.toThrow(/--allow-subsystems goes with --system/);
    const loose = JSON.parse(
      await run([
        'generate',
        '--system',
        'Cu-Au',
        '--natoms',
        '2',
        '-n',
        '2',
        '--allow-subsystems',
        '--out',
        join(dir, 'loose'),
        '--json',
        ...common,
      ]),
    );
    expect(loose.requested).toBe(2);
  });
});
