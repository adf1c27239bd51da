import { freezeFrame, type IncomingFrame, readPngHeader } from "@framepipe/core";

const recordingStart = Date.UTC(2026, 10, 24, 10, 0, 0);
const resource = (id: string) => Object.freeze({ id, metadata: Object.freeze({}) });
const recording = resource("bench-recording");
const bot = resource("bench-bot");
const endpoint = resource("bench-endpoint");
const videoSeparate = resource("bench-video-separate");

/**
 * One incoming webcam frame carrying `png`, as a parser would produce it. Imports nothing but
 * core, so processes measuring memory do not load sharp.
 */
export function incomingFrame(participantId: number, counter: number, png: Buffer): IncomingFrame {
  const header = readPngHeader(png);
  if (!header.ok) throw new Error(header.message);
  return freezeFrame({
    recording,
    bot,
    realtimeEndpoint: endpoint,
    videoSeparate,
    participant: {
      id: participantId,
      name: `Participant ${participantId}`,
      isHost: participantId === 1,
      platform: "desktop",
      email: null,
      extraData: {},
    },
    type: "webcam",
    timestamp: { relative: counter / 2, absolute: new Date(recordingStart + counter * 500) },
    image: { data: png, format: "png", width: header.width, height: header.height },
    receivedAt: performance.now(),
  });
}
