import type { PipelineConfig, RuntimeConfig } from "../config/pipeline-config.js";
import { FramepipeError } from "../errors/framepipe-error.js";
import { createSilentLogger } from "../services/logger.js";
import { systemClock } from "./clock.js";
import { closeComponent, createComponents } from "./create-components.js";
import { PipelineController } from "./pipeline-controller.js";
import type { CreatePipelineOptions, Pipeline } from "./pipeline-types.js";
import { PrometheusPipelineMetrics } from "./prometheus-metrics.js";

function runtimeProblems(runtime: RuntimeConfig): string[] {
  const problems: string[] = [];
  const positiveInteger = (name: keyof RuntimeConfig) => {
    const value = runtime[name];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
      problems.push(`runtime.${name}: expected a positive integer, got ${String(value)}`);
    }
  };
  positiveInteger("queue");
  positiveInteger("concurrency");
  positiveInteger("maxInFlightBytes");
  positiveInteger("idleTimeout");
  if (!Number.isFinite(runtime.shutdownTimeout) || runtime.shutdownTimeout < 0) {
    problems.push(`runtime.shutdownTimeout: expected milliseconds >= 0, got ${String(runtime.shutdownTimeout)}`);
  }
  if (!["block", "drop-oldest", "drop-newest"].includes(runtime.overflow)) {
    problems.push(`runtime.overflow: expected block, drop-oldest or drop-newest, got ${String(runtime.overflow)}`);
  }
  return problems;
}

/**
 * Builds a pipeline from a validated config: creates every plugin instance (sources, transforms,
 * sinks, in config order) with its context, and wires the graph. Nothing runs until
 * {@link Pipeline.start}. Throws a {@link FramepipeError} when a plugin's `create` fails, returns
 * something unusable, or needs a service `options.services` does not provide; the components
 * already created are then closed.
 *
 * @example
 * ```ts
 * const pipeline = await createPipeline(config, { services: { "http.server": server } });
 * await pipeline.start();
 * process.once("SIGTERM", () => void pipeline.stop({ reason: "SIGTERM" }));
 * const summary = await pipeline.done;
 * ```
 */
export async function createPipeline(config: PipelineConfig, options: CreatePipelineOptions = {}): Promise<Pipeline> {
  const problems = runtimeProblems(config.runtime);
  if (problems.length > 0) {
    throw new FramepipeError({ code: "CONFIG_INVALID", stage: "config", message: problems.join("; ") });
  }
  const logger = options.logger ?? createSilentLogger();
  const metrics = options.metrics ?? new PrometheusPipelineMetrics();
  const clock = options.clock ?? systemClock;
  const abort = new AbortController();
  const components = await createComponents(config, {
    logger,
    metrics,
    signal: abort.signal,
    services: options.services ?? {},
  });
  try {
    return new PipelineController({ config, components, logger, metrics, clock, abort });
  } catch (error) {
    for (const component of components.toReversed()) await closeComponent(component).catch(() => {});
    throw error;
  }
}
