import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: pw.x and the Temporal server need room, so files run two at a time.
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
    env: {
      PSEUDO_DIR:
        process.env.PSEUDO_DIR ??
        resolve(import.meta.dirname, '../shared/data/pseudos/SSSP_1.3.0_PBE_efficiency'),
    },
  },
});
