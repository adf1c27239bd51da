/**
 * `@framepipe/core`: the Recall frame model, RxJS operators, plugin API, pipeline config and runtime.
 * @packageDocumentation
 */

export * from "./config/index.js";
export * from "./errors/framepipe-error.js";
export * from "./model/carried-seq.js";
export * from "./model/stream-key.js";
export * from "./model/video-frame.js";
export * from "./operations/index.js";
export * from "./operators/index.js";
export { createPluginContext, type PluginContextSettings } from "./plugin/create-plugin-context.js";
export * from "./plugin/define-plugin.js";
export * from "./plugin/kit/index.js";
export {
  loadPluginModule,
  type PluginModuleLoadResult,
  pluginDefinitionsFromModule,
} from "./plugin/load-plugin-module.js";
export * from "./plugin/plugin-context.js";
export type { PluginErrorDetails, PluginErrorFactory } from "./plugin/plugin-error-factory.js";
export * from "./plugin/plugin-registry.js";
export * from "./plugin/resolve-plugin.js";
export * from "./plugin/secret.js";
export * from "./recall/index.js";
export type * from "./recall/recall-event.js";
export * from "./runtime/index.js";
export * from "./services/logger.js";
export * from "./services/metrics.js";
export * from "./services/service-ref.js";
export * from "./templates/index.js";
export * from "./transforms/index.js";
