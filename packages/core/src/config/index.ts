/**
 * Pipeline config: loading (YAML, JSON, `.ts`/`.mjs` via `definePipeline`), validation with
 * every problem at once, descriptions and the JSON Schema for editors. Internals stay unexported.
 */

export { buildConfigJsonSchema, type JsonSchema } from "./config-json-schema.js";
export {
  type ConfigLoadResult,
  type ConfigProblem,
  type ConfigProblemCode,
  createConfigError,
  type FormatConfigProblemOptions,
  formatConfigProblem,
  formatConfigProblems,
} from "./config-problem.js";
export {
  type ByteSizeInput,
  type ComponentInputBase,
  type ConnectedComponentInput,
  type DurationInput,
  definePipeline,
  type PipelineConfigInput,
  type RuntimeInput,
  type SourceInput,
} from "./define-pipeline.js";
export { describePipeline } from "./describe-pipeline.js";
export { describePluginOptions, type PluginOptionDescription } from "./describe-plugin-options.js";
export { type ConfigPlugins, loadConfigPlugins } from "./load-config-plugins.js";
export { type LoadPipelineConfigOptions, loadPipelineConfig } from "./load-pipeline-config.js";
export { type OptionUnit, optionUnitOf } from "./option-unit.js";
export type * from "./pipeline-config.js";
export { redactOptions } from "./redact-options.js";
export { byteSizeSchema, durationSchema, type UnitSchemaOptions } from "./unit-schemas.js";
export { formatByteSize, formatDuration, parseByteSize, parseDuration } from "./units.js";
export {
  type PluginLookupOptions,
  type ValidatePipelineConfigOptions,
  validatePipelineConfig,
} from "./validate-pipeline-config.js";
