/**
 * Lab robots as workflow activities (issue #8). A robot plugin (`lab-plugin.ts`) is a module whose
 * default export names the plugin, gives zod schemas for its settings and requests, and creates a
 * {@link LabRobot} (`submit`, `status`, `cancel`, `parseCallback`). A lab worker loads it:
 *
 * ```sh
 * matdisc worker --queues lab --plugin lab/examples/http-robot/plugin.ts \
 *   --plugin-settings settings.yaml --lab-callback-port 8788
 * ```
 *
 * and serves `labExperiment` (`workflows/lab-experiment.ts`): record → operator approval → device
 * lock (`db/lab-devices.ts`) → robot job by async completion (`activities/lab/robot-activities.ts`, completed by
 * `lab-completer.ts` from callbacks and the poller) → stored outcome. See README.md.
 */
export { LabConfigSchema, parseLabConfig } from '../contracts/lab-config.js';
export {
  LabFileSchema,
  LabJobStatusSchema,
  LabPluginError,
  LabRequestRejected,
  LabRobotUnavailable,
  defineLabPlugin,
  labActivityType,
  type LabCallback,
  type LabFile,
  type LabJobRequest,
  type LabJobStatus,
  type LabPlugin,
  type LabRobot,
  type LabStructure,
} from './lab-plugin.js';
export { loadLabPlugin, loadLabPlugins, type LoadedLabPlugin } from './load-lab-plugin.js';
