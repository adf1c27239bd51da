/**
 * `@framepipe/transform-resize`: framepipe's image transforms built on sharp. The `resize`
 * transform resizes, crops and re-encodes frames; the `dedupe-similar` transform skips frames
 * that look like the previous one (perceptual hash). The default export is the `resize`
 * definition; `plugins` lists both, so `plugins: ["@framepipe/transform-resize"]` in a config
 * makes both types known.
 * @packageDocumentation
 */

import type { TransformDefinition } from "@framepipe/core";
import { dedupeSimilarTransform } from "./dedupe-similar-transform.js";
import { resizeTransform } from "./resize-transform.js";

export {
  type DedupeSimilarOptions,
  type DedupeSimilarOptionsInput,
  dedupeSimilarOptionsSchema,
  defaultSimilarityTolerance,
} from "./dedupe-similar-options.js";
export { differenceHash, differenceHashHeight, differenceHashWidth, hammingDistance } from "./difference-hash.js";
export { createFrameResizer, type FrameResizer, type ResizeFrameContext } from "./frame-resizer.js";
export { type PerceptualHasher, perceptualHash } from "./perceptual-hash.js";
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
export { type SkipSimilarFramesOptions, skipSimilarFrames } from "./skip-similar-frames.js";
export { dedupeSimilarTransform, resizeTransform };

/** Every plugin of this package, as the `plugins:` module loader and hosts such as the CLI read them. */
export const plugins: readonly TransformDefinition[] = Object.freeze([resizeTransform, dedupeSimilarTransform]);

export default resizeTransform;
