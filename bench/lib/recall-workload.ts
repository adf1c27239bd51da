import type { FrameType } from "@framepipe/core";
import { FrameLibrary, videoFrameMessage } from "@framepipe/testing";

/** A set of Recall messages as a websocket server receives them (Buffers of JSON text). */
export interface RecallWorkload {
  readonly messages: readonly Buffer[];
  readonly totalBytes: number;
  readonly describe: string;
}

/**
 * Builds realistic `video_separate_png.data` messages: `participants` webcams at 480×360 and
 * `screenshares` of them also sharing 1280×720, `framesPerStream` distinct images each, at 2 fps.
 */
export async function buildRecallWorkload(options: {
  participants: number;
  screenshares: number;
  framesPerStream: number;
}): Promise<RecallWorkload> {
  const library = new FrameLibrary({ framesPerStream: options.framesPerStream });
  const messages: Buffer[] = [];
  for (let counter = 0; counter < options.framesPerStream; counter += 1) {
    for (let participantId = 1; participantId <= options.participants; participantId += 1) {
      const types: FrameType[] = participantId <= options.screenshares ? ["webcam", "screenshare"] : ["webcam"];
      for (const type of types) {
        const base64 = await library.base64({ participantId, type, counter });
        const text = videoFrameMessage({
          participant: { id: participantId, name: `Participant ${participantId}` },
          type,
          timestamp: { relative: counter / 2 },
          base64,
        });
        messages.push(Buffer.from(text));
      }
    }
  }
  const totalBytes = messages.reduce((sum, message) => sum + message.length, 0);
  return {
    messages,
    totalBytes,
    describe: `${messages.length} messages, ${options.participants} webcams 480×360 + ${options.screenshares} screenshares 1280×720, ${(totalBytes / messages.length / 1024).toFixed(0)} KiB mean`,
  };
}
