/**
 * Every workflow the worker registers. This module (and everything it imports) runs inside
 * Temporal's deterministic sandbox: no I/O, no clocks, no randomness but Temporal's, and
 * activities are imported as types only (lint enforces it).
 */
export { discoveryCampaign } from './campaign.js';
export { dftCandidate } from './dft-candidate.js';
export { dftElementalReference } from './dft-reference.js';
export { labExperiment } from './lab-experiment.js';
