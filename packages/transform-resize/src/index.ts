/**
 * `@framepipe/transform-resize`: the `resize` transform, which resizes, crops and re-encodes
 * framepipe frames with sharp. The default export is the plugin definition.
 * @packageDocumentation
 */

import { resizeTransform } from "./resize-transform.js";

export { createFrameResizer, type FrameResizer, type ResizeFrameContext } from "./frame-resizer.js";
export {
  defaultAvifEffort,
  fitModes,
  maxDimension,
  maxEffort,
  outputFormats,
  positions,
  type ResizeOptions,
  type ResizeOptionsInput,
  resizeOptionsSchema,
} from "./resize-options.js";
export { type RgbaColour, resolveColour } from "./resolve-colour.js";
export { configureSharpForFrames } from "./sharp-settings.js";
export { resizeTransform };

export default resizeTransform;
