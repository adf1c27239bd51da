import type { VideoFrame } from "@framepipe/core";

/**
 * What the pipeline calls for each screenshare frame worth analysing: a 1024-wide JPEG of one
 * participant's shared screen. Return what your model said; throw to have the frame counted as
 * an error (or retried, if the error is marked transient with `markTransient`).
 */
export type DescribeScreen = (frame: VideoFrame) => Promise<string>;

/** One call the stub received. */
export interface DescribeScreenCall {
  readonly recordingId: string;
  readonly participantId: number;
  readonly participantName: string | null;
  readonly type: VideoFrame["type"];
  /** Seconds since the recording started (the frame's `timestamp.relative`). */
  readonly relative: number;
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /** The JPEG bytes, as an LLM client would upload them. */
  readonly jpeg: Buffer;
}

/** The stub "LLM client" and the calls it received. */
export interface StubDescriber {
  readonly describeScreen: DescribeScreen;
  readonly calls: readonly DescribeScreenCall[];
}

/**
 * A stand-in for your LLM client: it calls no model and sends nothing anywhere. It records each
 * call and returns a placeholder description. Replace `describeScreen` with a function that sends
 * `frame.image.data` (a JPEG, `image/jpeg`) to your vision model, for example:
 *
 * ```ts
 * const describeScreen: DescribeScreen = async (frame) => {
 *   const response = await llm.describe({
 *     image: { mediaType: "image/jpeg", base64: frame.image.data.toString("base64") },
 *     prompt: "What is on this shared screen? Summarise slides, code or documents.",
 *   });
 *   return response.text;
 * };
 * ```
 */
export function createStubDescriber(): StubDescriber {
  const calls: DescribeScreenCall[] = [];
  const describeScreen: DescribeScreen = async (frame) => {
    calls.push({
      recordingId: frame.recording.id,
      participantId: frame.participant.id,
      participantName: frame.participant.name,
      type: frame.type,
      relative: frame.timestamp.relative,
      format: frame.image.format,
      width: frame.image.width,
      height: frame.image.height,
      jpeg: frame.image.data,
    });
    const who = frame.participant.name ?? `participant ${frame.participant.id}`;
    return `(stub, no LLM called) ${who}'s screen at ${frame.timestamp.relative.toFixed(1)} s: ${frame.image.width}×${frame.image.height} ${frame.image.format}, ${Math.round(frame.image.data.length / 1024)} KiB`;
  };
  return { describeScreen, calls };
}
