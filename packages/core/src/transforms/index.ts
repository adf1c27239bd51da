import type { TransformDefinition } from "../plugin/define-plugin.js";
import { dedupeTransform } from "./dedupe.js";
import { filterTransform } from "./filter.js";
import { sampleTransform } from "./sample.js";

export { type DedupeFramesOptions, type DedupeOptions, dedupeFrames, dedupeTransform } from "./dedupe.js";
export { type FilterOptions, filterTransform } from "./filter.js";
export { type SampleOptions, sampleFrames, sampleTransform } from "./sample.js";

/** The transforms built into core, resolved by `type:` before any plugin package. */
export const builtinPlugins: readonly TransformDefinition[] = Object.freeze([
  filterTransform,
  sampleTransform,
  dedupeTransform,
]);
