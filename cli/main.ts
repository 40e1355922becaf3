/**
 * `matdisc`: the command line of the discovery pipeline. Each subcommand lives in
 * `cli/commands/<name>.ts`; every one that returns data takes `--json`.
 */
import { Command } from 'commander';
import { registerCampaign } from './commands/campaign.js';
import { registerConvert } from './commands/convert.js';
import { registerDb } from './commands/db.js';
import { registerDemo } from './commands/demo.js';
import { registerDev } from './commands/dev.js';
import { registerDft } from './commands/dft.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEvaluateGenerator } from './commands/evaluate-generator.js';
import { registerExport } from './commands/export.js';
import { registerGenerate } from './commands/generate.js';
import { registerHull } from './commands/hull.js';
import { registerLab } from './commands/lab.js';
import { registerMatch } from './commands/match.js';
import { registerPredict } from './commands/predict.js';
import { registerRelax } from './commands/relax.js';
import { registerReport } from './commands/report.js';
import { registerSql } from './commands/sql.js';
import { registerWorker } from './commands/worker.js';

const program = new Command('matdisc')
  .description(
    'Active-learning discovery of inorganic crystals: generate, screen with an MLIP, verify with DFT, retrain.',
  )
  .showHelpAfterError()
  .enablePositionalOptions();

registerDoctor(program);
registerDev(program);
registerDemo(program);
registerCampaign(program);
registerConvert(program);
registerDb(program);
registerDft(program);
registerGenerate(program);
registerEvaluateGenerator(program);
registerExport(program);
registerHull(program);
registerLab(program);
registerMatch(program);
registerPredict(program);
registerRelax(program);
registerReport(program);
registerSql(program);
registerWorker(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`matdisc: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
