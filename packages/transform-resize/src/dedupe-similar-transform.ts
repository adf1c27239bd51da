import { defineTransform } from "@framepipe/core";
import { dedupeSimilarOptionsSchema } from "./dedupe-similar-options.js";
import { configureSharpForFrames } from "./sharp-settings.js";
import { skipSimilarFrames } from "./skip-similar-frames.js";

/**
 * The `dedupe-similar` transform: per stream, skips a frame whose image looks like the last kept
 * one (a static screenshare re-encoded with noise, a blinking cursor), by comparing perceptual
 * hashes. Core's `dedupe` skips only byte-identical images and needs no image decoding; this one
 * decodes every frame (a tiny thumbnail, with sharp), which is why it lives beside `resize`.
 *
 * @example
 * ```yaml
 * transforms:
 *   changes:
 *     type: dedupe-similar
 *     inputs: [recall]
 *     tolerance: 6
 *     maxSkip: 120
 * ```
 */
export const dedupeSimilarTransform = defineTransform({
  type: "dedupe-similar",
  summary: "Skip frames whose image looks like the previous kept one in its stream (perceptual hash, with sharp)",
  options: dedupeSimilarOptionsSchema,
  create(options, context) {
    configureSharpForFrames();
    return {
      stream: (_stream, controls) =>
        skipSimilarFrames({
          tolerance: options.tolerance,
          maxSkip: options.maxSkip,
          logger: context.logger,
          onSkipped: () => controls.dropped(),
        }),
    };
  },
});
