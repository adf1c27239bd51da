import type { FrameType, Participant, VideoFrame } from "@framepipe/core";
import { createTestFrame, defaultFrameSize, renderFrame } from "@framepipe/testing";

const participants: ReadonlyArray<Partial<Participant>> = [
  {
    id: 1,
    name: "Zoë Ngata 🎥",
    isHost: true,
    platform: "desktop",
    email: "zoe@example.com",
    extraData: { zoom: { user_guid: "{5F0E…}", conference_role: "host" } },
  },
  { id: 2, name: null, platform: null, email: null, extraData: {} },
  { id: 3, name: "", platform: "dial-in" },
];

/**
 * Frames as Recall sends them, with realistic PNGs (480×360 webcam, 1280×720 screenshare): three
 * participants (a full one, one without name or platform, one with an empty name) in two
 * recordings, one of them without a bot, webcam and screenshare, interleaved in capture order.
 */
export async function realisticFrames(framesPerStream = 2): Promise<VideoFrame[]> {
  const recordings = [
    {
      recording: { id: "rec-alpha", metadata: { team: "sales", note: 'quotes " and \\ slashes' } },
      bot: { id: "bot-1", metadata: { region: "eu" } },
    },
    { recording: { id: "rec-beta", metadata: {} }, bot: null },
  ] as const;
  const frames: VideoFrame[] = [];
  for (const context of recordings) {
    for (let seq = 0; seq < framesPerStream; seq += 1) {
      for (const participant of participants) {
        const types: FrameType[] = participant.id === 1 ? ["webcam", "screenshare"] : ["webcam"];
        for (const type of types) {
          const png = await renderFrame({
            participantId: participant.id ?? 0,
            name: participant.name ?? null,
            type,
            counter: seq,
          });
          const relative = 12.25 + seq * 0.5 + (participant.id ?? 0) * 0.001;
          frames.push(
            createTestFrame({
              ...context,
              participant,
              type,
              seq,
              timestamp: { relative, absolute: new Date(Date.UTC(2025, 0, 6, 9, 0, 0) + Math.round(relative * 1000)) },
              image: { data: png, format: "png", ...defaultFrameSize[type] },
            }),
          );
        }
      }
    }
  }
  return frames;
}

/** The fields a replay must reproduce exactly: everything but ingest's `seq` and the receive time. */
export function comparable(frame: Omit<VideoFrame, "seq"> | VideoFrame): unknown {
  const { receivedAt: _receivedAt, ...rest } = frame;
  const { seq: _seq, ...fields } = rest as typeof rest & { seq?: number };
  return { ...fields, image: { ...fields.image, data: fields.image.data.toString("base64") } };
}
