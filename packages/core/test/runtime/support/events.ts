import type { FrameType, IncomingFrame } from "../../../src/model/video-frame.js";
import type { ParticipantAction, ParticipantEvent, VideoFrameEvent } from "../../../src/recall/recall-event.js";

/** Which frame: defaults recording `rec-1`, participant 1, webcam, no name, 8 image bytes. */
export interface FrameSpec {
  readonly recordingId?: string;
  readonly participantId?: number;
  readonly type?: FrameType;
  readonly name?: string | null;
  readonly bytes?: number;
  /** The size the image claims (default 2×2). */
  readonly width?: number;
  readonly height?: number;
  readonly relative?: number;
  readonly receivedAt?: number;
  /** A number the frame arrives with (a relayed frame); none by default. */
  readonly seq?: number;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** An image buffer of the given size, starting like a PNG, with a recognisable fill byte. */
export function imageBytes(size: number, fill = 7): Buffer {
  const data = Buffer.alloc(size, fill);
  for (let index = 0; index < Math.min(size, pngSignature.length); index += 1) data[index] = pngSignature[index]!;
  return data;
}

export function incomingFrame(spec: FrameSpec = {}): IncomingFrame {
  const relative = spec.relative ?? 0;
  return {
    recording: { id: spec.recordingId ?? "rec-1", metadata: { team: "a" } },
    bot: { id: "bot-1", metadata: {} },
    realtimeEndpoint: { id: "endpoint-1", metadata: {} },
    videoSeparate: { id: "video-1", metadata: {} },
    participant: {
      id: spec.participantId ?? 1,
      name: spec.name === undefined ? null : spec.name,
      isHost: false,
      platform: "desktop",
      email: null,
      extraData: {},
    },
    type: spec.type ?? "webcam",
    timestamp: { relative, absolute: new Date(Date.UTC(2026, 0, 1) + relative * 1000) },
    image: { data: imageBytes(spec.bytes ?? 8), format: "png", width: spec.width ?? 2, height: spec.height ?? 2 },
    receivedAt: spec.receivedAt ?? 0,
    ...(spec.seq === undefined ? {} : { seq: spec.seq }),
  };
}

export function frameEvent(spec: FrameSpec = {}): VideoFrameEvent {
  return { kind: "video-frame", event: "video_separate_png.data", frame: incomingFrame(spec) };
}

export function participantEvent(
  action: ParticipantAction,
  spec: { recordingId?: string; participantId?: number; name?: string | null } = {},
): ParticipantEvent {
  return {
    kind: "participant",
    event: `participant_events.${action}`,
    action,
    recording: { id: spec.recordingId ?? "rec-1", metadata: {} },
    bot: { id: "bot-1", metadata: {} },
    realtimeEndpoint: { id: "endpoint-1", metadata: {} },
    participant: {
      id: spec.participantId ?? 1,
      name: spec.name === undefined ? null : spec.name,
      isHost: false,
      platform: "desktop",
      email: null,
      extraData: {},
    },
    timestamp: { relative: 0, absolute: null },
    chat: null,
    receivedAt: 0,
  };
}
