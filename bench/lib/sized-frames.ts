import { type FrameType, freezeFrame, type IncomingFrame } from "@framepipe/core";
import { FrameLibrary } from "@framepipe/testing";
import { incomingFrame } from "./incoming-frame.js";

/** Options of {@link sizedFrames}. */
export interface SizedFramesOptions {
  readonly type: FrameType;
  readonly width: number;
  readonly height: number;
  readonly participants: number;
  readonly framesPerStream: number;
  /** Distinct images rendered per participant and cycled. Default 4. */
  readonly distinctImages?: number;
  /** Give every frame its own buffer, as a websocket receiver would allocate. Default false. */
  readonly copyBuffers?: boolean;
}

/**
 * Realistic incoming frames (camera-like noise for webcams, a busy desktop for screenshares) of
 * one type and size, `participants` streams interleaved as Recall sends them.
 */
export async function sizedFrames(options: SizedFramesOptions): Promise<IncomingFrame[]> {
  const library = new FrameLibrary({
    framesPerStream: options.distinctImages ?? 4,
    sizes: { [options.type]: { width: options.width, height: options.height } },
  });
  const participants = Array.from({ length: options.participants }, (_, index) => ({ participantId: index + 1 }));
  await library.prepare(participants, [options.type]);
  const frames: IncomingFrame[] = [];
  for (let counter = 0; counter < options.framesPerStream; counter += 1) {
    for (const { participantId } of participants) {
      const png = await library.png({ participantId, type: options.type, counter });
      const frame = incomingFrame(participantId, counter, options.copyBuffers ? Buffer.from(png) : png);
      frames.push(options.type === "webcam" ? frame : freezeFrame({ ...frame, type: options.type }));
    }
  }
  return frames;
}

/** Total image bytes of frames. */
export function imageBytes(frames: readonly IncomingFrame[]): number {
  return frames.reduce((sum, frame) => sum + frame.image.data.length, 0);
}
