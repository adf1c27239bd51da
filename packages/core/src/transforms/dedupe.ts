import { createHash } from "node:crypto";
import { defer, filter, type OperatorFunction } from "rxjs";
import { z } from "zod";
import type { VideoFrame } from "../model/video-frame.js";
import { defineTransform } from "../plugin/define-plugin.js";

/**
 * Where near-identical images are deduplicated instead. Core never decodes images, so perceptual
 * dedupe lives beside `resize` in the package that depends on an image library.
 */
const similarFramesPlugin = "`type: dedupe-similar` (@framepipe/transform-resize, built into the framepipe CLI)";

const dedupeOptions = z.strictObject({
  tolerance: z
    .int()
    .optional()
    // Configs written when `dedupe` had a perceptual mode set `tolerance`; 0 meant exact bytes and
    // still does, any other value gets pointed at the plugin that has that mode now.
    .refine((tolerance) => tolerance === undefined || tolerance === 0, {
      message:
        `perceptual dedupe is not in core: did you mean ${similarFramesPlugin}? ` +
        "Core `dedupe` skips byte-identical images only and accepts tolerance 0",
    })
    .describe(
      "Accepted for older configs: only 0 (byte-identical images, which is all dedupe does). To skip " +
        "near-identical images by perceptual hash, use the dedupe-similar transform of @framepipe/transform-resize.",
    ),
  maxSkip: z
    .int()
    .positive()
    .optional()
    .describe(
      "Skip at most this many frames in a row: the next one is kept even if identical, so downstream sees the " +
        "stream is alive. Unset: no limit.",
    ),
});

/** Options of the built-in `dedupe` transform, as validated. */
export type DedupeOptions = z.output<typeof dedupeOptions>;

/** Settings of {@link dedupeFrames}. */
export interface DedupeFramesOptions {
  readonly maxSkip?: number | undefined;
  /** Told of each frame skipped, as it is skipped (the runtime's `StreamControls.dropped`). */
  readonly onSkipped?: (() => void) | undefined;
}

function digestOf(data: Buffer): string {
  // Identical bytes are what dedupe looks for; a digest keeps 20 bytes per stream instead of
  // holding on to the previous image.
  return createHash("sha1").update(data).digest("base64");
}

/**
 * Per-stream dedupe operator: skips a frame whose image bytes equal those of the last kept frame
 * of the stream. State is one digest per subscription. Kept frames pass through as the same
 * objects, in order.
 */
export function dedupeFrames(options: DedupeFramesOptions = {}): OperatorFunction<VideoFrame, VideoFrame> {
  const maxSkip = options.maxSkip ?? Number.POSITIVE_INFINITY;
  return (source) =>
    defer(() => {
      let lastLength = -1;
      let lastDigest: string | null = null;
      let skipped = 0;
      return source.pipe(
        filter((frame) => {
          const digest = digestOf(frame.image.data);
          const identical = frame.image.data.length === lastLength && digest === lastDigest;
          if (identical && skipped < maxSkip) {
            skipped++;
            options.onSkipped?.();
            return false;
          }
          lastLength = frame.image.data.length;
          lastDigest = digest;
          skipped = 0;
          return true;
        }),
      );
    });
}

/**
 * The built-in `dedupe` transform: per stream, skips a frame whose image is byte-identical to the
 * last kept one (static screenshares, a camera that is off); `maxSkip` keeps a frame now and then
 * as a heartbeat. Near-identical images (encoder noise) need the `dedupe-similar` transform of
 * `@framepipe/transform-resize`.
 *
 * @example
 * ```yaml
 * transforms:
 *   changes:
 *     type: dedupe
 *     inputs: [recall]
 *     maxSkip: 120
 * ```
 */
export const dedupeTransform = defineTransform({
  type: "dedupe",
  summary: "Skip frames whose image is byte-identical to the previous kept one in its stream",
  options: dedupeOptions,
  create(options) {
    return {
      stream: (_stream, controls) => dedupeFrames({ maxSkip: options.maxSkip, onSkipped: () => controls.dropped() }),
    };
  },
});
