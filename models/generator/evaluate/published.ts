/**
 * Published MP-20 numbers the evaluation prints beside ours. They were measured on the full
 * MP-20 split (about 27k training crystals, 9k test crystals); ours use a subset of its training
 * split and a subset of its test split, so they compare in kind, not exactly.
 *
 * - CSP, one sample per test composition: CDVAE and DiffCSP from Jiao et al., NeurIPS 2023,
 *   arXiv:2309.04475, Table 1.
 * - De-novo validity (structural / compositional, %): CDVAE and DiffCSP from the same paper,
 *   Table 3; FlowMM from Miller et al., ICML 2024, arXiv:2406.04713, Table 2.
 */
export const PUBLISHED_MP20 = Object.freeze({
  csp: Object.freeze({
    CDVAE: { match_rate_pct: 33.9, rmse: 0.1045 },
    DiffCSP: { match_rate_pct: 51.49, rmse: 0.0631 },
  }),
  de_novo_validity: Object.freeze({
    CDVAE: { structural_pct: 100, compositional_pct: 86.7 },
    DiffCSP: { structural_pct: 100, compositional_pct: 83.25 },
    FlowMM: { structural_pct: 96.85, compositional_pct: 83.19 },
  }),
});
