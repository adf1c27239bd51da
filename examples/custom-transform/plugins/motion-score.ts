/**
 * `motion-score`: a local framepipe plugin, loaded from `pipeline.yaml` with
 * `plugins: ["./plugins/motion-score.ts"]` (TypeScript, no build step).
 *
 * Per stream (recording, participant, webcam or screenshare), it shrinks each frame to a small
 * grayscale thumbnail, scores the motion since the stream's previous frame as the mean absolute
 * difference of the thumbnails' pixels (0 = identical, 255 = black to white everywhere), and
 * drops frames whose score is below `threshold`: a camera pointed at an empty chair, a paused
 * screenshare. Kept frames pass through unchanged (the same objects: nothing is re-encoded).
 */
import {
  defineTransform,
  type Logger,
  type StreamControls,
  type StreamInfo,
  type VideoFrame,
} from "@framepipe/core/plugin";
import { concatMap, defer, filter, map, type OperatorFunction } from "rxjs";
import sharp from "sharp";
import { z } from "zod";

/** Options of `type: motion-score`, validated by framepipe before `create` runs. */
export const motionScoreOptions = z.strictObject({
  threshold: z
    .number()
    .min(0)
    .max(255)
    .default(1)
    .describe(
      "Drop a frame whose motion score (mean absolute difference from the stream's previous frame, in gray " +
        "levels 0-255 on a small thumbnail) is below this. 0 keeps every frame. Around 1, a person moving " +
        "in front of a webcam scores 1.5-3 and is kept, a still image or a screenshare where only the " +
        "cursor moves scores below and is dropped; a scrolled or switched slide scores 10 or more.",
    ),
  thumbnailWidth: z
    .int()
    .min(4)
    .max(256)
    .default(64)
    .describe("Width of the grayscale thumbnail compared, in pixels. Smaller ignores more noise and costs less."),
  thumbnailHeight: z
    .int()
    .min(4)
    .max(256)
    .default(48)
    .describe("Height of the grayscale thumbnail compared, in pixels."),
});

/** The options after validation and defaults. */
export type MotionScoreOptions = z.output<typeof motionScoreOptions>;

/** A thumbnail size. */
export interface ThumbnailSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Decodes an encoded image (PNG, JPEG, …) into `width × height` grayscale pixels, one byte each.
 * `fill` stretches every frame to the same size, so two frames of a stream are always comparable
 * even if the participant's resolution changes mid-meeting.
 */
export async function grayscaleThumbnail(image: Buffer, size: ThumbnailSize): Promise<Buffer> {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .greyscale()
    .resize(size.width, size.height, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 grayscale channel, got ${info.channels}`);
  return data;
}

/** Mean absolute difference of two equally long pixel arrays, in gray levels (0-255). */
export function meanAbsoluteDifference(previous: Uint8Array, current: Uint8Array): number {
  if (previous.length !== current.length || current.length === 0) {
    throw new RangeError(`cannot compare thumbnails of ${previous.length} and ${current.length} pixels`);
  }
  let total = 0;
  for (let index = 0; index < current.length; index += 1) {
    total += Math.abs((current[index] as number) - (previous[index] as number));
  }
  return total / current.length;
}

/** One scored frame, as reported to {@link MotionFilterSettings.onScore}. */
export interface MotionScore {
  readonly frame: VideoFrame;
  /** Null for the first frame of a stream (nothing to compare with: it is kept). */
  readonly score: number | null;
  readonly kept: boolean;
}

/** Settings of {@link motionFilter}. */
export interface MotionFilterSettings extends ThumbnailSize {
  readonly threshold: number;
  /** Called for every frame, in stream order (logging, metrics, tests). */
  readonly onScore?: (result: MotionScore) => void;
  /** Told once per stream when a frame cannot be decoded (such frames are kept). */
  readonly logger?: Logger;
}

/**
 * The per-stream operator: compares each frame with the stream's previous frame (kept or not),
 * so a slow pan that never moves much between two frames is dropped too: this scores motion,
 * not change since the last frame kept. The first frame of a stream, and a frame that cannot be
 * decoded, are kept. State is one thumbnail per stream, released when the stream ends.
 */
export function motionFilter(settings: MotionFilterSettings): OperatorFunction<VideoFrame, VideoFrame> {
  return (source) =>
    defer(() => {
      let previous: Buffer | null = null;
      let warned = false;
      const score = async (frame: VideoFrame): Promise<MotionScore> => {
        let current: Buffer;
        try {
          current = await grayscaleThumbnail(frame.image.data, settings);
        } catch (error) {
          if (!warned) {
            warned = true;
            settings.logger?.warn(
              { error: error instanceof Error ? error.message : String(error), seq: frame.seq, type: frame.type },
              "motion-score: cannot decode a frame; undecodable frames are kept",
            );
          }
          previous = null;
          return { frame, score: null, kept: true };
        }
        const value = previous === null ? null : meanAbsoluteDifference(previous, current);
        previous = current;
        return { frame, score: value, kept: value === null || value >= settings.threshold };
      };
      // concatMap: one decode at a time per stream, so frames leave in the order they came.
      return source.pipe(
        concatMap(async (frame) => {
          const result = await score(frame);
          settings.onScore?.(result);
          return result;
        }),
        filter((result) => result.kept),
        map((result) => result.frame),
      );
    });
}

/** Histogram buckets of the motion score, in gray levels. */
const scoreBuckets = [0.5, 1, 2, 4, 8, 16, 32, 64];

/**
 * The plugin definition framepipe loads: `type: motion-score` in a config. It logs each score at
 * debug level, observes it in `framepipe_motion_score` and counts still frames in
 * `framepipe_motion_still_frames_total` (both labelled by stream type only: labels never carry
 * participant ids).
 */
export default defineTransform({
  type: "motion-score",
  summary: "Drop still frames: per-participant motion score (mean absolute difference of grayscale thumbnails)",
  options: motionScoreOptions,
  create(options, context) {
    const scores = context.metrics.histogram(
      "motion_score",
      "Motion score of each frame compared with the previous one in its stream (gray levels, 0-255).",
      ["type"],
      scoreBuckets,
    );
    const still = context.metrics.counter("motion_still_frames_total", "Frames dropped as still.", ["type"]);
    return {
      // controls.dropped() counts each still frame in framepipe_frames_dropped_total{reason="filtered"}
      // as it happens, instead of when the participant's stream ends.
      stream: (stream: StreamInfo, controls: StreamControls) =>
        motionFilter({
          threshold: options.threshold,
          width: options.thumbnailWidth,
          height: options.thumbnailHeight,
          logger: context.logger,
          onScore: ({ frame, score, kept }) => {
            if (score !== null) scores.observe(score, { type: stream.type });
            if (!kept) {
              still.inc({ type: stream.type });
              controls.dropped();
            }
            context.logger.debug(
              { participantId: stream.participantId, type: stream.type, seq: frame.seq, score, kept },
              "motion score",
            );
          },
        }),
    };
  },
});
