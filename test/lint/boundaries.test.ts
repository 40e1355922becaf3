/**
 * The layer boundaries are lint rules (eslint.config.js), not conventions: each import below is
 * linted as if it sat in the named file, and the rule must refuse or allow it.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  // Only the boundary rule, which needs no type information: the fixtures are not in tsconfig.
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === '@typescript-eslint/no-restricted-imports',
});

async function errors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.message);
}

const refused: [string, string][] = [
  ['activities/campaign/x.ts', "import { discoveryCampaign } from '../../workflows/campaign.js';"],
  [
    'activities/campaign/x.ts',
    "import type { CampaignStateSummary } from '../../workflows/campaign-messages.js';",
  ],
  ['db/x.ts', "import { pauseSignal } from '../workflows/campaign-messages.js';"],
  ['models/mlip/x.ts', "import type { X } from '../../workflows/index.js';"],
  ['crystal/x.ts', "import { Database } from '../db/database.js';"],
  ['crystal/matcher/x.ts', "import type { CampaignConfig } from '../../contracts/campaign-config.js';"],
  ['contracts/x.ts', "import { createCampaignActivities } from '../activities/campaign/index.js';"],
  ['contracts/x.ts', "import { readFileSync } from 'node:fs';"],
  ['workflows/x.ts', "import { createCampaignActivities } from '../activities/campaign/index.js';"],
  ['workflows/x.ts', "import { Structure } from '../crystal/structure.js';"],
  ['workflows/x.ts', "import { Database } from '../db/database.js';"],
  ['workflows/x.ts', "import pg from 'pg';"],
  ['workflows/x.ts', "import { readFileSync } from 'node:fs';"],
  ['activities/x.ts', "import { startWorkers } from '../cli/start-workers.js';"],
  ['dft/x.ts', "import { createDftActivities } from '../activities/dft/dft-activities.js';"],
  ['dft/qe/x.ts', "import type { CampaignStateSummary } from '../../workflows/campaign-messages.js';"],
  ['campaign/x.ts', "import { createCampaignActivities } from '../activities/campaign/index.js';"],
  ['lab/x.ts', "import { createLabActivities } from '../activities/lab/index.js';"],
  ['db/x.ts', "import { createDftActivities } from '../activities/dft/dft-activities.js';"],
  ['models/mlip/x.ts', "import { startWorkers } from '../../cli/start-workers.js';"],
  ['crystal/x.ts', "import { runCalculation } from '../dft/run-calculation.js';"],
  ['workflows/x.ts', "import { runCalculation } from '../dft/run-calculation.js';"],
];

const allowed: [string, string][] = [
  ['workflows/x.ts', "import type { CampaignActivities } from '../activities/campaign/index.js';"],
  ['workflows/x.ts', "import { CampaignLimits } from '../contracts/campaign-config.js';"],
  ['workflows/x.ts', "import { proxyActivities } from '@temporalio/workflow';"],
  ['workflows/x.ts', "import { dftActivity } from './dft-activity.js';"],
  ['activities/campaign/x.ts', "import type { CampaignConfig } from '../../contracts/campaign-config.js';"],
  ['crystal/x.ts', "import { Lattice } from './lattice.js';"],
  ['contracts/x.ts', "import { Composition } from '../crystal/composition.js';"],
  ['cli/x.ts', "import { discoveryCampaign } from '../workflows/campaign.js';"],
  ['activities/dft/x.ts', "import { runCalculation } from '../../dft/run-calculation.js';"],
  ['campaign/x.ts', "import { loadSssp } from '../dft/qe/sssp.js';"],
  ['lab/x.ts', "import type { Database } from '../db/database.js';"],
];

describe('layer boundaries', () => {
  it.each(refused)('refuses, in %s: %s', async (file, code) => {
    expect(await errors(file, code)).not.toEqual([]);
  });

  it.each(allowed)('allows, in %s: %s', async (file, code) => {
    expect(await errors(file, code)).toEqual([]);
  });

  it('every source file passes the boundary rule as it stands', async () => {
    const results = await eslint.lintFiles([
      'workflows',
      'activities',
      'dft',
      'campaign',
      'lab',
      'db',
      'models',
      'crystal',
      'contracts',
    ]);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`));
    expect(problems).toEqual([]);
  });
});
