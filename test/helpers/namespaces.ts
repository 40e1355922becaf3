/**
 * Temporal namespaces the shared test server creates at start: each suite that runs workers gets
 * its own, so suites running in parallel never pick up each other's tasks.
 */
export const TEST_NAMESPACES = [
  'misc',
  'campaign-e2e',
  'campaign-signals',
  'campaign-failures',
  'campaign-reliability',
  'campaign-kill',
  'campaign-slurm',
  'campaign-continue-as-new',
  'campaign-dft-references',
  'campaign-review',
  'workflow-unit',
  'lab',
  'lab-kill',
  'lab-campaign',
  'bad-input',
  'campaign-oxide',
] as const;
export type TestNamespace = (typeof TEST_NAMESPACES)[number];
