/**
 * The plugin authoring API: `@framepipe/core/plugin`.
 * @packageDocumentation
 */

export { FramepipeError, isTransientError, markTransient } from "../errors/framepipe-error.js";
export type { GroupEndReason, GroupInfo, GroupKey, StreamInfo, StreamKey } from "../model/stream-key.js";
export type * from "../model/video-frame.js";
export { withImage, withParticipant } from "../model/video-frame.js";
export type { LogFunction, Logger } from "../services/logger.js";
export type { ComponentMetrics, CounterHandle, GaugeHandle, HistogramHandle } from "../services/metrics.js";
export { createServiceRef, type ResolvedServices, type ServiceDeps, type ServiceRef } from "../services/service-ref.js";
export * from "../templates/index.js";
export * from "./define-plugin.js";
export * from "./plugin-context.js";
export * from "./secret.js";
