/**
 * `matdisc demo --json` as a user runs it: its own embedded stack (Temporal dev server, PGlite)
 * in a temporary MATDISC_DATA_DIR, a real two-round Li-F campaign (diffusion generator, universal
 * MLIP committee retrained after round 1, pw.x), one JSON document on stdout. The demo must
 * rediscover rock-salt LiF (mp-1138), which the generator never saw and the campaign never imported:
 * it is matched by structure and confirmed on the campaign's own DFT hull.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../dft/slurm/cluster.js';

describe('matdisc demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'matdisc-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs a small campaign and prints one JSON document with stage timings and DFT rows', async () => {
    const run = await execa('node', ['bin/matdisc.js', 'demo', '--json'], {
      cwd: REPO_ROOT,
      env: { MATDISC_DATA_DIR: dataDir },
      reject: false,
      // Two rounds, the Li and F DFT references and one retraining: 4.3 min on 2 idle cores.
      timeout: 600_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      campaignId: string;
      generator: string;
      generatorNote: string;
      mlip: string;
      result: { stage: string; dftSpent: number; counts: { dftConverged: number; dftFailed: number } };
      dft: { status: string }[];
      models: { id: string; name: string; parent_id: string | null }[];
      findings: {
        knownPhases: { id: string; spaceGroupSymbol: string }[];
        candidates: { knownPhase: string | null; onDftHull: boolean; status: string }[];
        rediscovered: string[];
      };
      rounds: { round_index: number; summary: Record<string, unknown> }[];
      timings: {
        stack_start_s: number;
        wall_s: number;
        campaign: { total_s: number; stages_s: Record<string, number>; share: Record<string, number> };
      };
      sql: string[];
    };
    expect(out.campaignId).toMatch(/^demo-/);
    expect(out.generator).toBe('diffcsp-mp20');
    expect(out.generatorNote).toMatch(/^diffusion model diffcsp-mp20/);
    expect(out.mlip).toBe('universal-committee');
    expect(out.result.stage).toBe('completed');
    expect(out.rounds.map((r) => r.round_index)).toEqual([0, 1]);
    // Both rounds report DFT stability against the DFT references and the MLIP's error in meV/atom.
    for (const r of out.rounds) {
      expect(r.summary).toHaveProperty('dftConfirmedStable');
      expect(r.summary).toHaveProperty('mlipFormationEnergyMaeMevPerAtom');
      // The campaign's level of theory is always reported: μ or why it is missing, per element.
      expect(Object.keys(Object.values(r.summary.dftReferences as object)[0] ?? {}).sort()).toEqual([
        'F',
        'Li',
      ]);
    }
    // Round 1's labels retrained the universal committee into a new version for round 2.
    const retrained = out.models.filter((m) => m.parent_id !== null);
    expect(retrained.length).toBeGreaterThanOrEqual(1);
    // What it found: rock-salt LiF, matched and on the DFT hull; a claim only for such candidates.
    expect(out.findings.knownPhases.map((p) => [p.id, p.spaceGroupSymbol])).toEqual([['mp-1138', 'Fm-3m']]);
    expect(out.findings.rediscovered).toEqual(['mp-1138']);
    expect(out.findings.candidates.length).toBe(out.dft.length);
    expect(out.findings.candidates.some((c) => c.knownPhase === 'mp-1138' && c.onDftHull)).toBe(true);
    expect(out.dft.length).toBe(out.result.dftSpent);
    expect(out.dft.length).toBeGreaterThanOrEqual(2);
    for (const d of out.dft) expect(['converged', 'failed']).toContain(d.status);
    expect(out.result.counts.dftConverged + out.result.counts.dftFailed).toBe(out.dft.length);
    const { stages_s, share, total_s } = out.timings.campaign;
    expect(Object.keys(stages_s).sort()).toEqual(['dft', 'generation', 'mlip', 'orchestration', 'training']);
    expect(stages_s.dft).toBeGreaterThan(0);
    expect(stages_s.mlip).toBeGreaterThan(0);
    const sum = Object.values(stages_s).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(total_s, 1);
    expect(Object.values(share).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    expect(out.sql[0]).toContain(
      `npx matdisc sql -c "SELECT * FROM campaign_summary WHERE campaign_id = '${out.campaignId}'"`,
    );
  }, 610_000);
});
