import { Observable, type OperatorFunction } from "rxjs";
import { z } from "zod";
import { durationSchema } from "../config/unit-schemas.js";
import type { VideoFrame } from "../model/video-frame.js";
import { defineTransform } from "../plugin/define-plugin.js";

/**
 * Share of an interval by which a frame may arrive early and still open the next window. Capture
 * timestamps jitter by a few milliseconds; without this slack, `fps: 2` on a 2 fps source would
 * see every other frame land a hair before its window and keep only 1 fps.
 */
const jitterAllowance = 0.1;

const sampleOptions = z.strictObject({
  fps: z
    .number()
    .positive()
    .optional()
    .describe("Keep at most this many frames per second per stream. Default 1 when neither fps nor interval is set."),
  interval: durationSchema()
    .optional()
    .describe("Keep at most one frame per this duration per stream (e.g. 500ms, 2s, 1m); instead of fps."),
  flushLast: z
    .boolean()
    .default(true)
    .describe(
      "When a stream ends, also emit its last frame if it was skipped, so the final state (the last slide) is never lost.",
    ),
});

/** Options of the built-in `sample` transform, as validated (`interval` in milliseconds). */
export type SampleOptions = z.output<typeof sampleOptions>;

const sampleOptionsSchema = sampleOptions.superRefine((options, context) => {
  if (options.fps !== undefined && options.interval !== undefined) {
    context.addIssue({
      code: "custom",
      path: ["interval"],
      message: "set either fps or interval, not both",
    });
  }
});

/** The sampling interval in milliseconds that the options describe. */
export function sampleIntervalMilliseconds(options: Pick<SampleOptions, "fps" | "interval">): number {
  if (options.interval !== undefined) return options.interval;
  return 1000 / (options.fps ?? 1);
}

/**
 * Per-stream sampling on the frames' own timeline (`timestamp.relative`), not the wall clock, so
 * the result is the same live and in a replay at full speed. The timeline is cut into windows of
 * `intervalMilliseconds` from the stream's first frame; the first frame of each window is emitted at
 * once (it is the freshest frame at that moment) and the rest of the window is skipped. With
 * `flushLast`, a skipped final frame is emitted when the stream completes. A timestamp that goes
 * backwards (a restarted recording clock) starts a new timeline.
 */
export function sampleFrames(
  /** Length of a window in milliseconds, like every framepipe duration (`1000` for 1 fps). */
  intervalMilliseconds: number,
  flushLast: boolean,
  /** Told of each frame sampled away, once it can no longer come out. */
  onDropped?: () => void,
): OperatorFunction<VideoFrame, VideoFrame> {
  return (source) =>
    new Observable<VideoFrame>((subscriber) => {
      let origin = 0;
      let lastWindow = -1;
      let lastTimestamp = Number.NEGATIVE_INFINITY;
      let pending: VideoFrame | null = null;
      return source.subscribe({
        next(frame) {
          // `timestamp.relative` is in seconds (Recall's unit); windows are measured in milliseconds.
          const timestamp = frame.timestamp.relative * 1000;
          if (timestamp < lastTimestamp || lastWindow < 0) {
            origin = timestamp;
            lastWindow = -1;
          }
          lastTimestamp = timestamp;
          const window = Math.floor((timestamp - origin) / intervalMilliseconds + jitterAllowance);
          // A frame waiting for the end of the stream is replaced: it can no longer come out.
          if (pending !== null) onDropped?.();
          if (window > lastWindow) {
            lastWindow = window;
            pending = null;
            subscriber.next(frame);
          } else {
            pending = frame;
          }
        },
        error(error: unknown) {
          pending = null;
          subscriber.error(error);
        },
        complete() {
          const last = pending;
          pending = null;
          if (flushLast && last !== null) subscriber.next(last);
          else if (last !== null) onDropped?.();
          subscriber.complete();
        },
      });
    });
}

/**
 * The built-in `sample` transform: at most `fps` frames per second (or one per `interval`) per
 * stream, emitting the first frame promptly and then the freshest frame each interval; the last
 * skipped frame is flushed when the stream ends (`flushLast`). Deterministic: it follows frame
 * timestamps, see {@link sampleFrames}.
 *
 * @example
 * ```yaml
 * transforms:
 *   slow:
 *     type: sample
 *     inputs: [recall]
 *     interval: 5s
 * ```
 */
export const sampleTransform = defineTransform({
  type: "sample",
  summary: "Keep at most N frames per second per stream (by frame timestamps), flushing the last one",
  options: sampleOptionsSchema,
  create(options) {
    const intervalMilliseconds = sampleIntervalMilliseconds(options);
    return {
      stream: (_stream, controls) => sampleFrames(intervalMilliseconds, options.flushLast, () => controls.dropped()),
    };
  },
});
