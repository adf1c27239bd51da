import type { Logger } from "../services/logger.js";
import { createServiceRef } from "../services/service-ref.js";
import type { Clock } from "./clock.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";

/**
 * The services core itself resolves for every pipeline. A host overrides them by passing values
 * under these ids (`services: { logger }`) or by registering the ids in its own container.
 */
export const coreServices = Object.freeze({
  logger: createServiceRef<Logger>({ id: "logger" }),
  metrics: createServiceRef<PipelineMetrics>({ id: "metrics" }),
  clock: createServiceRef<Clock>({ id: "clock" }),
});
