/**
 * `generateCandidates` (gpu): samples the round's structures for every configured system and
 * composition, and stores the valid ones as origin 'generated' with fingerprints. Keys are
 * `<campaign>:r<k>:gen:<index>`, so a retry stores nothing twice; invalid samples are counted by
 * reason, not stored. `generator.model: prototypes` uses the built-in prototype generator.
 * Every sample of a system contains every element of it (a composition is drawn per sample,
 * charge balanced for ionic systems; `models/generator/conditioning.ts`); a system without any
 * charge-balanced composition is logged as a warning.
 */
import { Context } from '@temporalio/activity';
import { Composition } from '../../crystal/composition.js';
import type { Structure } from '../../crystal/structure.js';
import { fingerprintSql } from '../../db/fingerprint-sql.js';
import { insertOnce } from '../../db/idempotent-insert.js';
import { structureRow } from '../../db/structure-row.js';
import {
  GeneratorModel,
  generate,
  resolveGeneratorPath,
  type GenerationRequest,
} from '../../models/generator/index.js';
import {
  campaignConfig,
  roundRow,
  setStage,
  type CampaignActivityDependencies,
  type RoundRef,
} from './campaign-context.js';
import { prototypeSample } from '../../models/prototypes/prototype-generator.js';

/** The generator name that selects {@link prototypeSample} instead of an ONNX model. */
export const PROTOTYPE_GENERATOR = 'prototypes';

export interface GenerateCandidatesResult {
  readonly requested: number;
  readonly valid: number;
  readonly invalidCounts: Readonly<Record<string, number>>;
  readonly structureIds: readonly string[];
}

interface Sample {
  readonly index: number;
  readonly structure: Structure;
  readonly valid: boolean;
  readonly reasons: readonly { readonly code: string }[];
}

export function createGenerateCandidates(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function generateCandidates(input: RoundRef): Promise<GenerateCandidatesResult> {
    const config = await campaignConfig(db, input.campaignId);
    const { roundIndex } = await roundRow(db, input.roundId);
    await setStage(db, input.roundId, 'generate');
    const requests: GenerationRequest[] = [
      ...config.chemistry.systems.map((s): GenerationRequest => ({
        kind: 'system',
        elements: s.split('-'),
        ...natoms(config.chemistry.natoms),
      })),
      ...config.chemistry.compositions.map((c): GenerationRequest => ({
        kind: 'composition',
        composition: Composition.parse(c),
        ...natoms(config.chemistry.natoms),
      })),
    ];
    const n = config.candidatesPerRound;
    const perRequest = requests.map(
      (_, i) => Math.floor(n / requests.length) + (i < n % requests.length ? 1 : 0),
    );
    const seed = config.generator.seed + roundIndex;
    const ctx = Context.current();
    const samples: Sample[] = [];
    let offset = 0;
    if (config.generator.model === PROTOTYPE_GENERATOR) {
      requests.forEach((r, k) => {
        const elements =
          r.kind === 'system'
            ? r.elements
            : r.kind === 'composition'
              ? Composition.elements(r.composition)
              : [];
        for (let i = 0; i < perRequest[k]!; i++)
          samples.push({
            index: offset + i,
            structure: prototypeSample(elements, seed, offset + i),
            valid: true,
            reasons: [],
          });
        offset += perRequest[k]!;
      });
    } else {
      const model = await GeneratorModel.load(resolveGeneratorPath(config.generator.model));
      try {
        for (let k = 0; k < requests.length; k++) {
          if (perRequest[k] === 0) continue;
          const result = await generate(model, requests[k]!, perRequest[k]!, {
            seed: seed * 1000 + k,
            // The model's measured default (100 of 1000 for diffcsp-mp20) unless the config names one.
            steps: config.generator.steps ?? model.schedule.defaultSteps,
            onProgress: (p) => ctx.heartbeat({ request: k, ...p }),
          });
          for (const w of result.warnings) ctx.log.warn(`generateCandidates: ${w}`);
          for (const s of result.samples) samples.push({ ...s, index: offset + s.index });
          offset += perRequest[k]!;
        }
      } finally {
        await model.dispose();
      }
    }
    const invalidCounts: Record<string, number> = {};
    const structureIds: string[] = [];
    for (const s of samples) {
      if (!s.valid) {
        for (const r of s.reasons) invalidCounts[r.code] = (invalidCounts[r.code] ?? 0) + 1;
        continue;
      }
      const row = await insertOnce(
        db,
        'structures',
        structureRow(s.structure, 'generated', {
          campaign_id: input.campaignId,
          round_id: input.roundId,
          fingerprint: fingerprintSql(s.structure),
        }),
        `${input.campaignId}:r${roundIndex}:gen:${s.index}`,
      );
      structureIds.push(row.id);
    }
    return { requested: samples.length, valid: structureIds.length, invalidCounts, structureIds };
  };
}

const natoms = (n: number | undefined) => (n === undefined ? {} : { natoms: n });
