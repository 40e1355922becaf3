/** Activity type of a lab plugin's activity: `lab.<plugin>.runJob`, `lab.<plugin>.cancelJob`. */
export const labActivityType = (plugin: string, fn: 'runJob' | 'cancelJob'): string => `lab.${plugin}.${fn}`;
