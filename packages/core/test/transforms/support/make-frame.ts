import { type FrameType, freezeFrame, type VideoFrame } from "../../../src/model/video-frame.js";

/** Fields a test may set on a frame; everything else gets a plausible default. */
export interface FrameFields {
  readonly recordingId?: string;
  readonly participantId?: number;
  readonly name?: string | null;
  readonly isHost?: boolean;
  readonly type?: FrameType;
  readonly relative?: number;
  readonly seq?: number;
  readonly data?: Buffer;
}

const emptyRef = Object.freeze({ id: "ref", metadata: Object.freeze({}) });

/** A frozen frame for transform tests; image bytes default to a 4-byte marker of the seq. */
export function makeFrame(fields: FrameFields = {}): VideoFrame {
  const seq = fields.seq ?? 0;
  const relative = fields.relative ?? seq * 0.5;
  return freezeFrame({
    recording: Object.freeze({ id: fields.recordingId ?? "rec-1", metadata: Object.freeze({}) }),
    bot: null,
    realtimeEndpoint: emptyRef,
    videoSeparate: emptyRef,
    participant: {
      id: fields.participantId ?? 100,
      name: fields.name === undefined ? "Alice Martin" : fields.name,
      isHost: fields.isHost ?? false,
      platform: "desktop",
      email: null,
      extraData: Object.freeze({}),
    },
    type: fields.type ?? "webcam",
    timestamp: { relative, absolute: new Date(Date.UTC(2026, 0, 1) + relative * 1000) },
    image: { data: fields.data ?? Buffer.from([0, 0, 0, seq & 0xff]), format: "png", width: 2, height: 2 },
    seq,
    receivedAt: relative * 1000,
  });
}
