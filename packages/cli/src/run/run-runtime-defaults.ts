import type { PipelineConfig } from "@framepipe/core";

/**
 * The config `framepipe run` gives to `createPipeline`: the loaded one, with
 * `runtime.reclaimDroppedMemory` turned on unless the file set it. Core leaves it off by default
 * because it turns on V8's `--expose-gc` for the whole process, a decision an app that embeds
 * framepipe should make itself; `framepipe run` owns its process, and under overload the
 * collections keep RSS within the budget (bench/README.md, overload-memory). An explicit `false`
 * stays `false`.
 */
export function withRunRuntimeDefaults(config: PipelineConfig): PipelineConfig {
  if (config.runtime.reclaimDroppedMemory !== undefined) return config;
  return { ...config, runtime: { ...config.runtime, reclaimDroppedMemory: true } };
}
