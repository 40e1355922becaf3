/**
 * Child process of the crash test: runs `runDftCalculation` like a worker would, until the parent
 * kills it with SIGKILL mid-job. argv: databaseUrl, workRoot, JSON input.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDftActivities } from '../../../activities/dft/dft-activities.js';
import { Database } from '../../../db/database.js';

const [url, workRoot, inputJson] = process.argv.slice(2);
const db = await Database.connect({ url: url!, maxConnections: 2 });
const activities = createDftActivities({ db, workRoot: workRoot!, pseudoDir: process.env.PSEUDO_DIR });
await new MockActivityEnvironment().run(activities.runDftCalculation, JSON.parse(inputJson!));
await db.close();
