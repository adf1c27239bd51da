import type {
  ComponentConfig,
  OnErrorPolicy,
  PipelineConfig,
  RuntimeConfig,
} from "../../../src/config/pipeline-config.js";
import type { AnyPluginDefinition } from "../../../src/plugin/define-plugin.js";

/** Runtime defaults as documented. */
export const defaultRuntime: RuntimeConfig = {
  queue: 64,
  overflow: "block",
  maxInFlightBytes: 256 * 1024 * 1024,
  concurrency: 8,
  idleTimeout: 120_000,
  shutdownTimeout: 30_000,
  deadLetterDir: null,
};

/** A validated component, as the config loader would produce it. */
export function component(
  id: string,
  definition: AnyPluginDefinition,
  inputs: readonly string[] = [],
  extra: { onError?: OnErrorPolicy; options?: Record<string, unknown> } = {},
): ComponentConfig {
  return {
    id,
    kind: definition.kind,
    type: definition.type,
    inputs,
    onError: extra.onError ?? "drop",
    options: extra.options ?? {},
    definition,
  };
}

/** A validated pipeline config. */
export function pipelineConfig(parts: {
  sources: readonly ComponentConfig[];
  transforms?: readonly ComponentConfig[];
  sinks: readonly ComponentConfig[];
  runtime?: Partial<RuntimeConfig>;
  baseDir?: string;
}): PipelineConfig {
  return {
    version: 1,
    sources: parts.sources,
    transforms: parts.transforms ?? [],
    sinks: parts.sinks,
    runtime: { ...defaultRuntime, ...parts.runtime },
    api: { port: null, host: "127.0.0.1" },
    log: { level: "silent" },
    plugins: [],
    baseDir: parts.baseDir ?? process.cwd(),
    file: null,
  };
}
