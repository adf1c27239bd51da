import type { Logger, VideoFrame } from "@framepipe/core";
import { concatMap, defer, filter, from, type OperatorFunction } from "rxjs";
import { hammingDistance } from "./difference-hash.js";
import { imageDigest } from "./image-digest.js";
import { type PerceptualHasher, perceptualHash } from "./perceptual-hash.js";

/** Settings of {@link skipSimilarFrames}. */
export interface SkipSimilarFramesOptions {
  /** Skip a frame whose hash is at most this many bits (0-64) from the last kept frame's. */
  readonly tolerance: number;
  /** Skip at most this many frames in a row; the next one is kept as a heartbeat. Default: no limit. */
  readonly maxSkip?: number | undefined;
  /** Hashes an encoded image. Default: {@link perceptualHash} (sharp). */
  readonly hash?: PerceptualHasher | undefined;
  /** Told once per stream when an image cannot be hashed (the frame is then kept). */
  readonly logger?: Logger | undefined;
  /** Told of each frame skipped, as it is skipped (the runtime's `StreamControls.dropped`). */
  readonly onSkipped?: (() => void) | undefined;
}

/**
 * Per-stream operator that skips a frame whose image looks like the last kept frame of the stream:
 * the same bytes, or a perceptual hash within `tolerance` bits. Frames are hashed one at a time,
 * in order; a frame that cannot be decoded is kept. State is one digest and one hash per
 * subscription, so each stream compares only with itself. Kept frames pass through as the same
 * objects.
 */
export function skipSimilarFrames(options: SkipSimilarFramesOptions): OperatorFunction<VideoFrame, VideoFrame> {
  const maxSkip = options.maxSkip ?? Number.POSITIVE_INFINITY;
  const hash = options.hash ?? perceptualHash;
  return (source) =>
    defer(() => {
      let lastLength = -1;
      let lastDigest: string | null = null;
      let lastHash: bigint | null = null;
      let skipped = 0;
      let warned = false;

      const hashOrNull = async (frame: VideoFrame): Promise<bigint | null> => {
        try {
          return await hash(frame.image.data);
        } catch (error) {
          if (!warned) {
            warned = true;
            options.logger?.warn(
              { error: error instanceof Error ? error.message : String(error), seq: frame.seq, type: frame.type },
              "dedupe-similar: cannot decode an image for perceptual hashing; such frames are kept",
            );
          }
          return null;
        }
      };
      const decide = async (frame: VideoFrame): Promise<VideoFrame | null> => {
        const digest = imageDigest(frame.image.data);
        const identical = frame.image.data.length === lastLength && digest === lastDigest;
        // Byte-identical images need no decode: their hash is the last one.
        const frameHash = identical ? lastHash : await hashOrNull(frame);
        const similar =
          identical ||
          (frameHash !== null && lastHash !== null && hammingDistance(frameHash, lastHash) <= options.tolerance);
        if (similar && skipped < maxSkip) {
          skipped++;
          options.onSkipped?.();
          return null;
        }
        lastLength = frame.image.data.length;
        lastDigest = digest;
        lastHash = frameHash;
        skipped = 0;
        return frame;
      };
      return source.pipe(
        // concatMap: one decode at a time per stream, so the comparison is always with the frame
        // kept just before, and the stream's order is kept.
        concatMap((frame) => from(decide(frame))),
        filter((frame): frame is VideoFrame => frame !== null),
      );
    });
}
