/** The lab activities (`labExperiment`'s steps); the plugin interface and its machinery are `lab/`. */
export { createLabActivities, type LabActivities, type LabExperimentSummary } from './lab-activities.js';
export { createRobotActivities } from './robot-activities.js';
