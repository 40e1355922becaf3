/**
 * The level of theory of a DFT parameter set: a short hash of the settings that change energies
 * (not those that only change the path to convergence, nor where the job runs). Formation
 * energies and hulls compare results only within one level. Each engine exposes its own as
 * `EngineTemplate.levelOfTheory` (engine.ts).
 */
import { createHash } from 'node:crypto';
import type { QeProfile } from './qe/profiles.js';
import type { VaspParams } from './vasp/vasp-params.js';

const hash = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);

export function qeLevelOfTheory(profile: QeProfile, pseudoFamily = 'SSSP_1.3.0_PBE_efficiency'): string {
  const physics = {
    engine: 'qe',
    pseudoFamily,
    kpointDensity: profile.kpointGrid ? null : profile.kpointDensity,
    kpointGrid: profile.kpointGrid,
    occupations: profile.occupations,
    smearing: profile.smearing,
    degaussRy: profile.degaussRy,
    spinPolarization: profile.spinPolarization,
    cutoffScale: profile.cutoffScale,
    ecutwfcRy: profile.ecutwfcRy,
    ecutrhoRy: profile.ecutrhoRy,
    // Only when on, so levels of profiles from before GGA+U existed keep their hash.
    ...(profile.hubbardU !== 'off' ? { hubbardU: profile.hubbardU } : {}),
  };
  return `qe:${profile.name}:${hash(physics)}`;
}

export function vaspLevelOfTheory(params: VaspParams): string {
  // VASP: algorithm and step settings (ALGO, NELM, IBRION, NSW) only change the path; leave them out.
  const {
    name,
    algo: _algo,
    nelm: _nelm,
    ibrion: _ibrion,
    nsw: _nsw,
    mpiRanks: _ranks,
    executable: _exe,
    calculation: _calc,
    hubbardU,
    ...rest
  } = params as unknown as Record<string, unknown>;
  // hubbardU only when on, so levels of sets from before GGA+U existed keep their hash.
  const physics = hubbardU === 'off' || hubbardU === undefined ? rest : { ...rest, hubbardU };
  return `vasp:${String(name ?? 'custom')}:${hash(physics)}`;
}
