/**
 * The CPU fallback of the session pool when CUDA is asked for and cannot run: a session on the
 * CPU, the reason kept, one line logged, no crash or hang. Without a GPU (this machine, CI) the pool
 * does not even try; with `scripts/setup-cuda.sh --force`'s provider files in place and a GPU
 * faked (`/dev/nvidiactl`), ONNX Runtime really tries to load the provider, fails for want of the
 * driver's libcuda.so.1 (or a CUDA library), and the pool falls back.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  acquireSession,
  clearSessionPool,
  cudaFailureSummary,
  cudaUnavailableReason,
  releaseSession,
} from '../../../models/onnx/session-pool.js';
import { MORSE } from '../mlip/models.js';

const fake = vi.hoisted(() => ({ gpu: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const existsSync = (p: import('node:fs').PathLike) =>
    (fake.gpu && p === '/dev/nvidiactl') || fs.existsSync(p);
  return { ...fs, existsSync, default: { ...fs, existsSync } };
});

const realGpu = existsSync('/dev/nvidiactl') || existsSync('/proc/driver/nvidia/version');
const bindingDir = join(
  dirname(createRequire(import.meta.url).resolve('onnxruntime-node')),
  '..',
  'bin',
  'napi-v6',
  process.platform,
  process.arch,
);
const providerInPlace = existsSync(join(bindingDir, 'libonnxruntime_providers_cuda.so'));
const envFile = join(
  process.env.MATDISC_CACHE_DIR ?? join(homedir(), '.cache', 'matdisc'),
  'cuda',
  'ort-1.30.0-cu13',
  'env.sh',
);
const hasCc = spawnSync('cc', ['--version']).status === 0;

async function openWithCuda(): Promise<{ reason?: string; provider: string; logs: string[]; ms: number }> {
  const logs: string[] = [];
  const started = performance.now();
  const { key, promise } = acquireSession(MORSE, { executionProviders: 'cuda', log: (m) => logs.push(m) });
  const pooled = await promise;
  const ms = performance.now() - started;
  expect(pooled.session.inputNames.length).toBeGreaterThan(0); // a working session
  await releaseSession(key);
  return { reason: pooled.fallbackReason, provider: pooled.executionProvider, logs, ms };
}

describe('CUDA asked for, CPU fallback', () => {
  afterEach(async () => {
    fake.gpu = false;
    await clearSessionPool();
  });

  it.skipIf(realGpu)('without a GPU the pool does not try CUDA and says so in one line', async () => {
    const r = await openWithCuda();
    expect(r.provider).toBe('cpu');
    expect(r.reason).toMatch(/no NVIDIA GPU visible/);
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]).toMatch(/CUDA requested but no NVIDIA GPU visible .*; running on the CPU$/);
    expect(r.logs[0]).not.toContain('\n');
  });

  it.skipIf(realGpu || !providerInPlace)(
    'with the provider files in place but no driver, the CUDA attempt fails fast and falls back',
    async () => {
      fake.gpu = true;
      expect(cudaUnavailableReason()).toBeUndefined(); // the pool now really asks ONNX Runtime for CUDA
      const r = await openWithCuda();
      expect(r.provider).toBe('cpu');
      expect(r.reason).toMatch(/^CUDA execution provider failed: .*Failed to load shared library/);
      expect(r.reason).toContain('libcuda.so.1');
      expect(r.logs).toHaveLength(1);
      expect(r.logs[0]).not.toContain('\n');
      expect(r.ms).toBeLessThan(30_000);
    },
  );

  it.skipIf(realGpu || providerInPlace)('a faked GPU without the provider files names setup-cuda.sh', () => {
    fake.gpu = true;
    expect(cudaUnavailableReason()).toMatch(/CUDA provider is not installed in .*scripts\/setup-cuda\.sh/);
  });
});

describe('cudaFailureSummary', () => {
  it("keeps ONNX Runtime's `CUDA failure N: text` out of its long message", () => {
    // What onnxruntime-node 1.30.0 with the onnxruntime-gpu 1.30.0 provider said with a stand-in
    // libcuda.so.1 that has no device (the template signature shortened here).
    const message =
      '/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:154 std::conditional_t<THRW, void, ' +
      'onnxruntime::common::Status> onnxruntime::CudaCall(ERRTYPE, …) [with ERRTYPE = cudaError; bool THRW = true] ' +
      'CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version ; GPU=-1 ; hostname=vm ; ' +
      'file=/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_execution_provider.cc ; line=352 ; ' +
      'expr=cudaSetDevice(info_.device_id); \n\n';
    expect(cudaFailureSummary(message)).toBe(
      'CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version',
    );
  });

  it('points a library that did not load at the env file of setup-cuda.sh', () => {
    const s = cudaFailureSummary(
      'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
    );
    expect(s).toMatch(/^OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library \(/);
    expect(s).toContain('libcuda.so.1');
    expect(s).toContain('setup-cuda.sh --env-file');
  });

  it('keeps the first line of any other message', () => {
    expect(cudaFailureSummary('something else\nsecond line')).toBe('something else');
  });
});

// A stand-in libcuda.so.1 with no device: the provider from PyPI must load into onnxruntime-node's
// own core (the provider bridge of the two builds must match) and stop at the device, not crash.
const STUB_LIBCUDA = `
int cuInit(unsigned f) { (void)f; return 100; }
int cuDriverGetVersion(int *v) { *v = 13000; return 0; }
int cuGetProcAddress_v2(const char *s, void **p, int v, unsigned long long f, int *st) { (void)s; (void)v; (void)f; *p = 0; if (st) *st = 1; return 500; }
int cuGetProcAddress(const char *s, void **p, int v, unsigned long long f) { (void)s; (void)v; (void)f; *p = 0; return 500; }
int cuTensorMapEncodeTiled(void) { return 100; }
`;

describe('the CUDA provider of onnxruntime-gpu 1.30.0 in onnxruntime-node 1.30.0', () => {
  it.skipIf(realGpu || !providerInPlace || !existsSync(envFile) || !hasCc)(
    'loads with the CUDA libraries of setup-cuda.sh and stops at a driver without a device',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'matdisc-stub-libcuda-'));
      try {
        writeFileSync(join(dir, 'stub.c'), STUB_LIBCUDA);
        execFileSync('cc', [
          '-shared',
          '-fPIC',
          '-Wl,-soname,libcuda.so.1',
          '-o',
          join(dir, 'libcuda.so.1'),
          join(dir, 'stub.c'),
        ]);
        const libs = execFileSync('bash', ['-c', 'source "$0" && printf %s "$LD_LIBRARY_PATH"', envFile], {
          encoding: 'utf8',
        });
        const script = `
          const ort = require('onnxruntime-node');
          ort.InferenceSession.create(process.argv[1], { executionProviders: ['cuda'], logSeverityLevel: 3 })
            .then(() => console.log('CREATED'), (e) => console.log('REJECTED ' + e.message));`;
        const child = spawnSync(process.execPath, ['-e', script, MORSE], {
          env: { ...process.env, LD_LIBRARY_PATH: `${dir}:${libs}` },
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(child.status).toBe(0); // no crash
        expect(child.stdout).toMatch(/^REJECTED .*CUDA failure 35: CUDA driver version is insufficient/);
        expect(child.stdout).toContain('cudaSetDevice'); // the provider's own code ran
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
