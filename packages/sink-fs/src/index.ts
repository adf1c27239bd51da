/**
 * `@framepipe/sink-fs`: frames to files, with atomic writes and safe templated paths.
 * @packageDocumentation
 */

import { fsSink } from "./fs-sink.js";

/** The manifest template used when `manifestPath` is not set (from `@framepipe/core`). */
export { defaultManifestTemplate } from "@framepipe/core";
export { createFsSink, fsSink } from "./fs-sink.js";
export {
  DEFAULT_PATH_TEMPLATE,
  type FsSinkOptions,
  type FsSinkOptionsInput,
  fsSinkOptions,
} from "./fs-sink-options.js";
export { MANIFEST_FLUSH_LINES, type ManifestLine } from "./manifest-files.js";

export default fsSink;
