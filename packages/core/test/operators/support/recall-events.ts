import type { FrameType, IncomingFrame, Participant, ResourceRef } from "../../../src/model/video-frame.js";
import type {
  AudioEvent,
  ParticipantAction,
  ParticipantEvent,
  RecallEnvelopeContext,
  TranscriptEvent,
  UnknownEvent,
  VideoFrameEvent,
  VideoH264Event,
} from "../../../src/recall/recall-event.js";

/** Who and where: every factory takes these. Defaults: recording `rec-1`, participant 1, no name. */
export interface EventTarget {
  readonly recordingId?: string;
  readonly participantId?: number;
  readonly name?: string | null;
}

/** Operators under test never look at image bytes, so every frame carries this one byte. */
const fakeImage = Buffer.from([0]);

function resource(id: string): ResourceRef {
  return { id, metadata: {} };
}

function context(target: EventTarget): RecallEnvelopeContext {
  return {
    recording: resource(target.recordingId ?? "rec-1"),
    bot: resource("bot-1"),
    realtimeEndpoint: resource("endpoint-1"),
  };
}

export function participantOf(target: EventTarget): Participant {
  return {
    id: target.participantId ?? 1,
    name: target.name === undefined ? null : target.name,
    isHost: false,
    platform: "desktop",
    email: null,
    extraData: {},
  };
}

/** A tiny frame without `seq`, as the parser produces it. */
export function incomingFrame(
  target: EventTarget & { readonly type?: FrameType; readonly relative?: number } = {},
): IncomingFrame {
  const relative = target.relative ?? 0;
  return {
    ...context(target),
    videoSeparate: resource("video-separate-1"),
    participant: participantOf(target),
    type: target.type ?? "webcam",
    timestamp: { relative, absolute: new Date(Date.UTC(2026, 0, 1) + relative * 1000) },
    image: { data: fakeImage, format: "png", width: 1, height: 1 },
    receivedAt: 0,
  };
}

export function frameEvent(
  target: EventTarget & { readonly type?: FrameType; readonly relative?: number } = {},
): VideoFrameEvent {
  return { kind: "video-frame", event: "video_separate_png.data", frame: incomingFrame(target) };
}

export function participantEvent(action: ParticipantAction, target: EventTarget = {}): ParticipantEvent {
  return {
    ...context(target),
    kind: "participant",
    event: `participant_events.${action}`,
    action,
    participant: participantOf(target),
    timestamp: { relative: null, absolute: null },
    chat: null,
    receivedAt: 0,
  };
}

export function transcriptEvent(target: EventTarget = {}): TranscriptEvent {
  return {
    ...context(target),
    kind: "transcript",
    event: "transcript.data",
    partial: false,
    participant: participantOf(target),
    words: [{ text: "hello", start: 0, end: 0.5 }],
    raw: {},
    receivedAt: 0,
  };
}

export function audioEvent(target: EventTarget = {}): AudioEvent {
  return {
    ...context(target),
    kind: "audio",
    event: "audio_separate_raw.data",
    participant: participantOf(target),
    timestamp: { relative: 0, absolute: null },
    data: Buffer.from([0, 0]),
    receivedAt: 0,
  };
}

export function h264Event(target: EventTarget & { readonly type?: FrameType } = {}): VideoH264Event {
  return {
    ...context(target),
    kind: "video-h264",
    event: "video_separate_h264.data",
    participant: participantOf(target),
    type: target.type ?? "webcam",
    timestamp: { relative: 0, absolute: null },
    data: Buffer.from([0, 0, 0, 1]),
    receivedAt: 0,
  };
}

export function unknownEvent(target: EventTarget = {}): UnknownEvent {
  return { kind: "unknown", event: "participant_event.join", context: context(target), raw: {}, receivedAt: 0 };
}
