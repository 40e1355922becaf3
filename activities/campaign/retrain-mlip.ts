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
import { writeExtxyz } from '../../crystal/io/extxyz.js';
import { listTrainingFrames, trainingExtxyzFrame } from '../../db/training-set.js';
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
    await writeFile(data, writeExtxyz(labels.map(trainingExtxyzFrame)));
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
          // The whole run (base predictions, training, export) stays within the round's budget.
          '--max-minutes',
          String(config.retraining.maxMinutes),
          // A Δ committee (the universal one) predicts each label with its base model once per
          // campaign, not once per round; other committees ignore the file.
          '--base-cache',
          join(deps.workRoot, 'training', input.campaignId, 'base-predictions.json'),
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
