import type { IncomingFrame } from "@framepipe/core";
import { FrameLibrary } from "@framepipe/testing";
import { incomingFrame } from "./incoming-frame.js";

/**
 * Realistic incoming frames (480×360 webcam PNGs with camera-like noise, ~360 KB each) for
 * `participants` streams, `framesPerStream` each, interleaved as Recall sends them.
 * `copyBuffers` gives every frame its own buffer, as a websocket receiver would allocate: needed
 * for honest memory figures (shared buffers would hide the cost of queued frames).
 */
export async function realisticFrames(options: {
  participants: number;
  framesPerStream: number;
  distinctImages?: number;
  copyBuffers?: boolean;
}): Promise<IncomingFrame[]> {
  const library = new FrameLibrary({ framesPerStream: options.distinctImages ?? 4 });
  const frames: IncomingFrame[] = [];
  for (let counter = 0; counter < options.framesPerStream; counter += 1) {
    for (let participantId = 1; participantId <= options.participants; participantId += 1) {
      const png = await library.png({ participantId, type: "webcam", counter });
      frames.push(incomingFrame(participantId, counter, options.copyBuffers ? Buffer.from(png) : png));
    }
  }
  return frames;
}
