/**
 * Loads robot plugins for `matdisc worker --queues lab --plugin PATH [--plugin-settings FILE]`:
 * imports the module, checks its default export against the plugin interface (zod), parses the
 * plugin's settings with its own schema and connects the robot. The settings file (YAML or JSON)
 * maps plugin names to their settings:
 *
 * ```yaml
 * http-robot:
 *   baseUrl: http://127.0.0.1:8787
 * ```
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LabPluginError, type LabPlugin, type LabRobot } from './lab-plugin.js';

export interface LoadedLabPlugin {
  readonly name: string;
  readonly path: string;
  readonly robot: LabRobot;
  readonly requestSchema?: z.ZodType<Record<string, unknown>> | undefined;
}

const zodSchema = z.custom<z.ZodType>(
  (v) =>
    typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function',
  { error: 'expected a zod schema' },
);
const PluginModuleSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected lower-case letters, digits and -' }),
  description: z.string().optional(),
  settingsSchema: zodSchema,
  requestSchema: zodSchema.optional(),
  create: z.custom<LabPlugin['create']>((v) => typeof v === 'function', { error: 'expected a function' }),
});

const issues = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');

/** Imports one plugin module and connects its robot with `settings` (validated by its schema). */
export async function loadLabPlugin(path: string, settings: unknown): Promise<LoadedLabPlugin> {
  const full = resolve(path);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
  } catch (err) {
    throw new LabPluginError(`--plugin ${path}: cannot import it: ${(err as Error).message}`);
  }
  const shape = PluginModuleSchema.safeParse(mod.default ?? mod.plugin);
  if (!shape.success)
    throw new LabPluginError(
      `--plugin ${path}: its default export is not a lab plugin (${issues(shape.error)}); see lab/README.md`,
    );
  const plugin = shape.data;
  const parsed = plugin.settingsSchema.safeParse(settings ?? {});
  if (!parsed.success)
    throw new LabPluginError(
      `plugin ${plugin.name} settings: ${issues(parsed.error)}; fix them in --plugin-settings`,
    );
  const robot = await plugin.create(parsed.data);
  return {
    name: plugin.name,
    path: full,
    robot,
    requestSchema: plugin.requestSchema as z.ZodType<Record<string, unknown>> | undefined,
  };
}

/** Loads every `--plugin` path with its section of the settings file. */
export async function loadLabPlugins(
  paths: readonly string[],
  settingsFile?: string,
): Promise<LoadedLabPlugin[]> {
  let sections: Record<string, unknown> = {};
  if (settingsFile) {
    const value: unknown = parseYaml(await readFile(settingsFile, 'utf8'));
    const map = z.record(z.string(), z.unknown()).safeParse(value ?? {});
    if (!map.success)
      throw new LabPluginError(
        `--plugin-settings ${settingsFile}: expected a map of plugin name to settings`,
      );
    sections = map.data;
  }
  const plugins: LoadedLabPlugin[] = [];
  for (const p of paths) {
    // The plugin's name is only known after import; its settings are looked up by it.
    const probe = PluginModuleSchema.safeParse(
      ((m) => m.default ?? m.plugin)(
        (await import(pathToFileURL(resolve(p)).href)) as Record<string, unknown>,
      ),
    );
    plugins.push(await loadLabPlugin(p, probe.success ? sections[probe.data.name] : undefined));
  }
  const names = plugins.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new LabPluginError(`--plugin: two plugins are named ${dup}`);
  return plugins;
}
