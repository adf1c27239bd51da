/**
 * The plugin authoring API: `@framepipe/core/plugin`.
 * @packageDocumentation
 */

export { type OptionUnit, optionUnitOf } from "../config/option-unit.js";
export { byteSizeSchema, durationSchema, type UnitSchemaOptions } from "../config/unit-schemas.js";
export { formatByteSize, formatDuration, parseByteSize, parseDuration } from "../config/units.js";
export { FramepipeError, isTransientError, markTransient } from "../errors/framepipe-error.js";
export type { GroupEndReason, GroupInfo, GroupKey, StreamInfo, StreamKey } from "../model/stream-key.js";
export type * from "../model/video-frame.js";
export { withImage, withParticipant } from "../model/video-frame.js";
export {
  type ApiRouteHandler,
  ApiRoutes,
  type ApiRoutesOptions,
  apiRoutesService,
  isLoopbackHost,
} from "../operations/api-routes.js";
export type { DropReason } from "../runtime/pipeline-metrics.js";
export { createSilentLogger, type LogFunction, type Logger } from "../services/logger.js";
export {
  type ComponentMetrics,
  type CounterHandle,
  createNoopMetrics,
  type GaugeHandle,
  type HistogramHandle,
} from "../services/metrics.js";
export { createServiceRef, type ResolvedServices, type ServiceDeps, type ServiceRef } from "../services/service-ref.js";
export * from "../templates/index.js";
export { createPluginContext, type PluginContextSettings } from "./create-plugin-context.js";
export * from "./define-plugin.js";
export * from "./kit/index.js";
export * from "./plugin-context.js";
export type { PluginErrorDetails, PluginErrorFactory } from "./plugin-error-factory.js";
export * from "./secret.js";
