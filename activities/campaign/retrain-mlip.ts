/**
 * `retrainMlip` (gpu): fine-tunes the round's MLIP on every DFT label of the campaign and the DFT
 * elemental references of its elements (`training_set`, exported to extxyz) with `.venv/bin/python -m matdisc_training finetune`, and
 * registers the result as a new `model_versions` row (file hash, parent = the round's model).
 * It reports `skipped` with the reason — never a pretend model — when there are no labels, the
 * trainer or its `finetune` subcommand is missing, or the model has no training checkpoint (the
 * Morse fixtures are analytic and have none).
 */
import { Context } from '@temporalio/activity';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findModelTrainedForRound } from '../../db/model-versions.js';
import { structureFromRow } from '../../db/structure-row.js';
import { listTrainingFrames, type TrainingFrameRow } from '../../db/training-set.js';
import { cardPathFor, readModelCard } from '../../models/mlip/index.js';
import {
  campaignConfig,
  modelFile,
  roundRow,
  setStage,
  type CampaignActivityDependencies,
  type RoundRef,
} from './campaign-context.js';
import { campaignElements } from '../../contracts/campaign-config.js';
import { registerMlipVersion } from './record-campaign.js';

export type RetrainResult =
  | { readonly status: 'trained'; readonly mlipVersionId: string; readonly frames: number }
  | { readonly status: 'skipped'; readonly reason: string; readonly mlipVersionId: string };

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function createRetrainMlip(deps: CampaignActivityDependencies) {
  const { db } = deps;
  return async function retrainMlip(input: RoundRef): Promise<RetrainResult> {
    const config = await campaignConfig(db, input.campaignId);
    const { roundIndex, mlipVersionId } = await roundRow(db, input.roundId);
    const skip = (reason: string): RetrainResult => ({ status: 'skipped', reason, mlipVersionId });
    await setStage(db, input.roundId, 'retrain');
    const previous = await findModelTrainedForRound(db, input.roundId);
    if (previous !== undefined) return { status: 'trained', mlipVersionId: previous, frames: 0 };
    // The campaign's labels and the DFT elemental references of its elements at the same levels
    // of theory (shared between campaigns, so they have no campaign id): they pin the per-element
    // reference energies the trainer fits first.
    const labels = await listTrainingFrames(db, input.campaignId, campaignElements(config));
    if (labels.length === 0) return skip('no converged DFT labels in this campaign yet');
    const python = deps.python ?? join(REPO, '.venv', 'bin', 'python');
    if (!existsSync(python)) return skip(`trainer Python ${python} is missing; run scripts/setup.sh`);
    const help = await execa(python, ['-m', 'matdisc_training', 'finetune', '--help'], {
      cwd: join(REPO, 'models', 'training'),
      reject: false,
    });
    if (help.exitCode !== 0) return skip('the trainer has no `finetune` subcommand yet');
    const modelPath = await modelFile(db, mlipVersionId);
    const card = await readModelCard(cardPathFor(modelPath));
    const checkpoint = modelPath.replace(/\.onnx$/i, '.pt');
    if (!existsSync(checkpoint))
      return skip(`model ${card.name} has no training checkpoint (${checkpoint}); it cannot be fine-tuned`);
    const dir = join(deps.workRoot, 'training', input.campaignId, `round-${roundIndex}`);
    await mkdir(dir, { recursive: true });
    const data = join(dir, 'train.extxyz');
    await writeFile(data, labels.map(extxyzFrame).join(''));
    const out = join(dir, 'model');
    const ctx = Context.current();
    const beat = setInterval(() => ctx.heartbeat({ training: data }), 10_000);
    let result;
    try {
      result = await execa(
        python,
        [
          '-m',
          'matdisc_training',
          'finetune',
          '--data',
          data,
          '--init',
          cardPathFor(modelPath),
          '--out',
          out,
          '--epochs',
          String(config.retraining.epochs),
          '--name',
          `${card.name}-${input.campaignId}-r${roundIndex}`,
        ],
        {
          cwd: join(REPO, 'models', 'training'),
          cancelSignal: ctx.cancellationSignal,
          reject: false,
          all: true,
        },
      );
    } finally {
      clearInterval(beat);
    }
    if (result.exitCode !== 0)
      return skip(`finetune failed (exit ${result.exitCode}): ${String(result.all).slice(-500)}`);
    const printed = JSON.parse(String(result.stdout).trim().split('\n').pop()!) as { onnx: string };
    const onnx = resolve(out, printed.onnx);
    const id = await registerMlipVersion(db, onnx, mlipVersionId, {
      trainedFor: input.roundId,
      frames: labels.length,
    });
    return { status: 'trained', mlipVersionId: id, frames: labels.length };
  };
}

/** One extxyz frame (energy eV, forces eV/Å, periodic). */
function extxyzFrame(row: TrainingFrameRow): string {
  const s = structureFromRow(row);
  const cart = [...s.fracCoords.keys()].map((i) =>
    [0, 1, 2].map((k) => s.fracCoords[i]!.reduce((acc, f, j) => acc + f * s.lattice[j]![k]!, 0)),
  );
  const lattice = s.lattice.flat().join(' ');
  const lines = s.species.map((el, i) => [el, ...cart[i]!, ...row.forces_ev_per_a[i]!].join(' '));
  return `${s.species.length}\nLattice="${lattice}" Properties=species:S:1:pos:R:3:forces:R:3 energy=${row.energy_ev} pbc="T T T"\n${lines.join('\n')}\n`;
}
