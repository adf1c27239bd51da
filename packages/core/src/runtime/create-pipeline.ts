import { defaultMaxListeners, setMaxListeners } from "node:events";
import type { PipelineConfig, RuntimeConfig } from "../config/pipeline-config.js";
import { FramepipeError } from "../errors/framepipe-error.js";
import { ComponentHealth } from "./component-health.js";
import { type CompositionOptions, type CompositionRoot, createCompositionRoot } from "./composition-root.js";
import { closeComponent, createComponents } from "./create-components.js";
import { PipelineController } from "./pipeline-controller.js";
import type { Pipeline, PipelineServiceOptions } from "./pipeline-types.js";
import { type ConfigResolutionOptions, resolvePipelineConfig } from "./resolve-pipeline-config.js";

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

/** Options of {@link createPipeline}: where plugins and services come from. */
export interface CreatePipelineOptions extends PipelineServiceOptions, ConfigResolutionOptions, CompositionOptions {}

/**
 * Builds a pipeline. `config` is either the plain object a pipeline file contains (validated here,
 * with every problem reported in one error) or the result of `loadPipelineConfig`. Plugins are
 * created with their contexts and the graph wired; nothing runs until {@link Pipeline.start}.
 *
 * Services (`logger`, `metrics`, `clock` and whatever plugins declare in `deps`) come from
 * `options.services`, then from the host's tsyringe `container`, then core's defaults. Throws a
 * {@link FramepipeError} when the config is invalid, a plugin's `create` fails or returns something
 * unusable, or a required service is missing; components already created are then closed.
 *
 * @example
 * ```ts
 * const pipeline = await createPipeline(
 *   { version: 1, sources: { recall: { type: "websocket", port: 8080, token } }, sinks: { … } },
 *   { plugins: [blur], services: { logger } },
 * );
 * await pipeline.start();
 * process.once("SIGTERM", () => void pipeline.stop({ reason: "SIGTERM" }));
 * const summary = await pipeline.done;
 * ```
 */
export async function createPipeline(config: unknown, options: CreatePipelineOptions = {}): Promise<Pipeline> {
  const validated = await resolvePipelineConfig(config, options);
  const problems = runtimeProblems(validated.runtime);
  if (problems.length > 0) {
    throw new FramepipeError({ code: "CONFIG_INVALID", stage: "config", message: problems.join("; ") });
  }
  const root = createCompositionRoot(validated, {
    services: {
      ...options.services,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    },
    ...(options.container ? { container: options.container } : {}),
  });
  try {
    const pipeline = await buildPipeline(validated, root);
    // Core disposes only what it created, once the pipeline has finished either way.
    pipeline.done.then(root.dispose, root.dispose).catch(() => {});
    return pipeline;
  } catch (error) {
    await root.dispose().catch(() => {});
    throw error;
  }
}

async function buildPipeline(config: PipelineConfig, root: CompositionRoot): Promise<Pipeline> {
  const { logger, metrics, clock } = root;
  const abort = new AbortController();
  // Before the components: a plugin may report its health from create() on.
  const health = new ComponentHealth(clock);
  const components = await createComponents(config, {
    health,
    concurrency: config.runtime.concurrency,
    logger,
    metrics,
    signal: abort.signal,
    services: root.pluginServices,
  });
  // Plugins hand `context.signal` to every operation they start (an S3 request, a fetch), so a sink
  // with 16 writes in flight listens 16 times at once: Node's default warning at 10 would cry leak.
  const inFlight = components.reduce((sum, component) => sum + component.concurrency, 0);
  setMaxListeners(Math.max(defaultMaxListeners, 2 * inFlight + 16), abort.signal);
  try {
    return new PipelineController({ config, components, logger, metrics, clock, abort, health });
  } catch (error) {
    for (const component of components.toReversed()) await closeComponent(component).catch(() => {});
    throw error;
  }
}
