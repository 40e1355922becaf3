-- Every element gets a DFT reference (campaign/elemental-references.ts): a solid from experimental
-- lattice constants, a molecule in a box (H, N, O, F, Cl, Br, I), an atom (noble gases), or the
-- lowest-energy phase of the pure element among the imported reference phases. Each stored μ_el
-- records which kind it is and where its structure came from. Rows from before stay NULL.
ALTER TABLE elemental_references
  ADD COLUMN kind   text CHECK (kind IN ('solid', 'molecule', 'atom', 'reference-data')),
  ADD COLUMN source text;
