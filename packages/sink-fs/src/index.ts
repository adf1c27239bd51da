/**
 * `@framepipe/sink-fs`: frames to files, with atomic writes and safe templated paths.
 * @packageDocumentation
 */

import { fsSink } from "./fs-sink.js";

export { createFsSink, fsSink } from "./fs-sink.js";
export {
  DEFAULT_PATH_TEMPLATE,
  type FsSinkOptions,
  type FsSinkOptionsInput,
  fsSinkOptions,
} from "./fs-sink-options.js";
export { defaultManifestTemplate } from "./manifest-path.js";
export { MANIFEST_FLUSH_LINES, type ManifestLine } from "./stream-manifests.js";

export default fsSink;
