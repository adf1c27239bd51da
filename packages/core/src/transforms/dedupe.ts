import { createHash } from "node:crypto";
import { concatMap, defer, filter, from, type OperatorFunction } from "rxjs";
import { z } from "zod";
import type { VideoFrame } from "../model/video-frame.js";
import { defineTransform } from "../plugin/define-plugin.js";
import type { Logger } from "../services/logger.js";
import { differenceHash, differenceHashHeight, differenceHashWidth, hammingDistance } from "./difference-hash.js";
import { loadSharp, type SharpFactory } from "./load-sharp.js";

const dedupeOptions = z.strictObject({
  tolerance: z
    .int()
    .min(0)
    .max(64)
    .default(0)
    .describe(
      "0: skip only byte-identical images. 1-64: perceptual mode, skip an image whose 64-bit difference hash " +
        "is at most this many bits from the last kept one (4-8 ignores compression noise and cursor blinks). " +
        "Needs the sharp package.",
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

/** Computes the perceptual hash of an encoded image. */
export type PerceptualHasher = (image: Buffer) => Promise<bigint>;

/** Settings of {@link dedupeFrames}. */
export interface DedupeFramesOptions {
  readonly maxSkip?: number | undefined;
  /** Perceptual mode: skip a frame within `tolerance` bits of the last kept frame's hash. */
  readonly perceptual?: { readonly tolerance: number; readonly hash: PerceptualHasher } | undefined;
  /** Told once per stream when an image cannot be hashed (the frame is then kept). */
  readonly logger?: Logger | undefined;
  /** Told of each frame skipped, as it is skipped (the runtime's `StreamControls.dropped`). */
  readonly onSkipped?: (() => void) | undefined;
}

function digestOf(data: Buffer): string {
  // Identical bytes are what exact mode looks for; a digest keeps 20 bytes per stream instead of
  // holding on to the previous image.
  return createHash("sha1").update(data).digest("base64");
}

/**
 * Per-stream dedupe operator: skips a frame whose image equals the last kept frame of the stream
 * (same bytes, or in perceptual mode a difference hash within `tolerance` bits). State is one
 * digest and one hash per subscription. Kept frames pass through as the same objects, in order.
 */
export function dedupeFrames(options: DedupeFramesOptions = {}): OperatorFunction<VideoFrame, VideoFrame> {
  const maxSkip = options.maxSkip ?? Number.POSITIVE_INFINITY;
  const perceptual = options.perceptual;
  return (source) =>
    defer(() => {
      let lastLength = -1;
      let lastDigest: string | null = null;
      let lastHash: bigint | null = null;
      let skipped = 0;
      let warned = false;

      const keep = (frame: VideoFrame, digest: string, hash: bigint | null): VideoFrame => {
        lastLength = frame.image.data.length;
        lastDigest = digest;
        lastHash = hash;
        skipped = 0;
        return frame;
      };
      const isIdentical = (frame: VideoFrame, digest: string): boolean =>
        frame.image.data.length === lastLength && digest === lastDigest;

      if (perceptual === undefined) {
        return source.pipe(
          filter((frame) => {
            const digest = digestOf(frame.image.data);
            if (isIdentical(frame, digest) && skipped < maxSkip) {
              skipped++;
              options.onSkipped?.();
              return false;
            }
            keep(frame, digest, null);
            return true;
          }),
        );
      }

      const hashOrNull = async (frame: VideoFrame): Promise<bigint | null> => {
        try {
          return await perceptual.hash(frame.image.data);
        } catch (error) {
          if (!warned) {
            warned = true;
            options.logger?.warn(
              { error: error instanceof Error ? error.message : String(error), seq: frame.seq, type: frame.type },
              "dedupe: cannot decode an image for perceptual hashing; such frames are kept",
            );
          }
          return null;
        }
      };
      const decide = async (frame: VideoFrame): Promise<VideoFrame | null> => {
        const digest = digestOf(frame.image.data);
        const identical = isIdentical(frame, digest);
        // Byte-identical images need no decode: their hash is the last one.
        const hash = identical ? lastHash : await hashOrNull(frame);
        const similar =
          identical || (hash !== null && lastHash !== null && hammingDistance(hash, lastHash) <= perceptual.tolerance);
        if (similar && skipped < maxSkip) {
          skipped++;
          options.onSkipped?.();
          return null;
        }
        return keep(frame, digest, hash);
      };
      return source.pipe(
        concatMap((frame) => from(decide(frame))),
        filter((frame): frame is VideoFrame => frame !== null),
      );
    });
}

/** A perceptual hasher on top of sharp: 9×8 grayscale thumbnail, then {@link differenceHash}. */
export function createSharpHasher(sharp: SharpFactory): PerceptualHasher {
  return async (image) => {
    const { data, info } = await sharp(image)
      .greyscale()
      .resize(differenceHashWidth, differenceHashHeight, { fit: "fill" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return differenceHash(data, info.channels);
  };
}

/**
 * The built-in `dedupe` transform: per stream, skips a frame whose image equals the last kept one
 * (static screenshares, a camera that is off). `tolerance` > 0 compares difference hashes instead
 * and needs sharp, loaded only then; `maxSkip` keeps a frame now and then as a heartbeat.
 *
 * @example
 * ```yaml
 * transforms:
 *   changes:
 *     type: dedupe
 *     inputs: [recall]
 *     tolerance: 6
 *     maxSkip: 120
 * ```
 */
export const dedupeTransform = defineTransform({
  type: "dedupe",
  summary: "Skip frames whose image equals (or, with tolerance, nearly equals) the previous one in its stream",
  options: dedupeOptions,
  async create(options, context) {
    if (options.tolerance === 0) {
      return {
        stream: (_stream, controls) => dedupeFrames({ maxSkip: options.maxSkip, onSkipped: () => controls.dropped() }),
      };
    }
    const sharp = await loadSharp({
      component: `transform:dedupe#${context.componentId}`,
      feature: "perceptual dedupe (tolerance > 0)",
      alternative: "or set tolerance: 0 for exact dedupe",
    });
    const perceptual = { tolerance: options.tolerance, hash: createSharpHasher(sharp) };
    return {
      stream: (_stream, controls) =>
        dedupeFrames({
          maxSkip: options.maxSkip,
          perceptual,
          logger: context.logger,
          onSkipped: () => controls.dropped(),
        }),
    };
  },
});
