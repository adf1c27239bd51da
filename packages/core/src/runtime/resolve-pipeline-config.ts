import { createConfigError } from "../config/config-problem.js";
import type { PipelineConfig } from "../config/pipeline-config.js";
import { validatePipelineConfig } from "../config/validate-pipeline-config.js";
import type { AnyPluginDefinition } from "../plugin/define-plugin.js";

/** How `createPipeline` finds plugins and paths for a config given as a plain object. */
export interface ConfigResolutionOptions {
  /** Plugins registered in code; resolved before built-ins and packages. */
  readonly plugins?: readonly AnyPluginDefinition[];
  /** Plugins a host bundles as built-ins (the CLI passes the official plugins). */
  readonly builtins?: readonly AnyPluginDefinition[];
  /** Folder relative paths and `plugins:` entries resolve against; default the working directory. */
  readonly baseDir?: string;
  /** Extra folders `@framepipe/<kind>-<type>` packages are imported from. */
  readonly resolveFrom?: readonly string[];
  /** Expand `${VAR}` references in string values from this environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** True for the output of config validation (components as arrays carrying their definitions). */
export function isValidatedPipelineConfig(value: unknown): value is PipelineConfig {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as { sources?: unknown }).sources) &&
    Array.isArray((value as { sinks?: unknown }).sinks)
  );
}

/**
 * Accepts either a validated config or the plain object a YAML file would contain, and returns a
 * validated config. A bad config throws one error listing every problem.
 */
export async function resolvePipelineConfig(
  config: unknown,
  options: ConfigResolutionOptions,
): Promise<PipelineConfig> {
  if (isValidatedPipelineConfig(config)) return config;
  const result = await validatePipelineConfig(config, {
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.builtins ? { builtins: options.builtins } : {}),
    ...(options.baseDir ? { baseDir: options.baseDir } : {}),
    ...(options.resolveFrom ? { resolveFrom: options.resolveFrom } : {}),
    ...(options.env ? { env: options.env as Record<string, string | undefined> } : {}),
  });
  if (!result.ok) throw createConfigError(result.problems);
  return result.config;
}
