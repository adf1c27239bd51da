export { type Clock, systemClock, type TimerHandle } from "./clock.js";
export type { CompositionOptions } from "./composition-root.js";
export { type CreatePipelineOptions, createPipeline } from "./create-pipeline.js";
export { type DeadLetterError, deadLetterRecord } from "./dead-letter.js";
export { ERROR_LOG_INTERVAL_MS, ERROR_LOG_LIMIT } from "./error-log.js";
export { BLOCK_HARD_LIMIT, BYTES_LOW_WATER, QUEUE_LOW_WATER } from "./flow-control.js";
export { DEFAULT_DEAD_LETTER_DIR } from "./frame-failures.js";
export { createNoopPipelineMetrics, type DropReason, type PipelineMetrics } from "./pipeline-metrics.js";
export type {
  ComponentStats,
  FailingSink,
  FrameFailureCount,
  Pipeline,
  PipelineState,
  PipelineStats,
  PipelineSummary,
  StopOptions,
} from "./pipeline-types.js";
export {
  LATENCY_BUCKETS,
  METRIC_PREFIX,
  PrometheusPipelineMetrics,
  type PrometheusPipelineMetricsOptions,
} from "./prometheus-metrics.js";
export type { ConfigResolutionOptions } from "./resolve-pipeline-config.js";
export { RETRY_BASE_DELAY_MS, RETRY_MAX_ATTEMPTS, RETRY_MAX_DELAY_MS, retryDelay } from "./retry.js";
export { coreServices } from "./service-tokens.js";
