import { makePng } from "./make-png.js";

/*
 * Recall realtime messages shaped exactly as in shared/reference/recall-protocol.md, as plain
 * objects (so tests can break them one field at a time) and as the JSON text Recall sends.
 */

/** A JSON value as it appears on the wire. */
export type WireObject = Record<string, unknown>;

/** Ids shared by every sample, as Recall formats them (UUIDs). */
export const sampleIds = {
  recording: "7c1c1f8e-4f3b-4b1a-9f61-2d8e5f0a9b11",
  bot: "b0b0b0b0-1111-4222-8333-444455556666",
  realtimeEndpoint: "e1e1e1e1-aaaa-4bbb-8ccc-dddddddddddd",
  resource: "5e5e5e5e-1234-4567-89ab-cdef01234567",
} as const;

/** A 480×360-ish RGB webcam PNG, a few KB. */
export const webcamPng = makePng({ width: 48, height: 36, seed: 7 });
/** An RGBA screenshare PNG, a few KB. */
export const screensharePng = makePng({ width: 64, height: 40, channels: "rgba", seed: 11 });

/** A participant as Recall sends it, every optional field present. */
export function sampleParticipant(overrides: WireObject = {}): WireObject {
  return {
    id: 100,
    name: "Ada Lovelace",
    is_host: true,
    platform: "desktop",
    extra_data: { zoom: { user_guid: "guid-100", conf_user_id: "16778240" } },
    email: "ada@example.com",
    ...overrides,
  };
}

/** The envelope around `data.data`, with the event's resource under `resourceKey`. */
export function sampleEnvelope(event: string, resourceKey: string, data: unknown): WireObject {
  return {
    event,
    data: {
      data,
      realtime_endpoint: { id: sampleIds.realtimeEndpoint, metadata: {} },
      [resourceKey]: { id: sampleIds.resource, metadata: {} },
      recording: { id: sampleIds.recording, metadata: { customer: "acme", meeting: "weekly" } },
      bot: { id: sampleIds.bot, metadata: { team: "video" } },
    },
  };
}

/** `video_separate_png.data` for `png` (default {@link webcamPng}). */
export function videoPngMessage(
  options: { png?: Buffer; type?: "webcam" | "screenshare"; participant?: WireObject } = {},
): WireObject {
  return sampleEnvelope("video_separate_png.data", "video_separate", {
    buffer: (options.png ?? webcamPng).toString("base64"),
    timestamp: { relative: 12.5, absolute: "2026-11-24T10:15:00.123456Z" },
    type: options.type ?? "webcam",
    participant: options.participant ?? sampleParticipant(),
  });
}

/** `video_separate_h264.data` with a tiny Annex-B access unit. */
export const h264AccessUnit = Buffer.from([0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e, 0, 0, 0, 1, 0x65, 0x88, 0x84]);
export function videoH264Message(): WireObject {
  return sampleEnvelope("video_separate_h264.data", "video_separate", {
    buffer: h264AccessUnit.toString("base64"),
    timestamp: { relative: 3.25, absolute: "2026-11-24T10:15:01.000Z" },
    type: "screenshare",
    participant: sampleParticipant({ id: 7, name: "Grace", is_host: false }),
  });
}

/** `participant_events.<action>`; `chat` only for chat messages. */
export function participantEventMessage(action: string, chat: WireObject | null = null): WireObject {
  return sampleEnvelope(`participant_events.${action}`, "participant_events", {
    participant: sampleParticipant({ id: 42, name: "Linus", is_host: false, platform: "dial-in", email: null }),
    timestamp: { relative: 1.75, absolute: "2026-11-24T10:14:50.000Z" },
    data: chat,
  });
}

/** `transcript.data` or `transcript.partial_data`. */
export function transcriptMessage(
  event: "transcript.data" | "transcript.partial_data" = "transcript.data",
): WireObject {
  return sampleEnvelope(event, "transcript", {
    words: [
      { text: "hello", start_timestamp: { relative: 1.0 }, end_timestamp: { relative: 1.4 } },
      { text: "world", start_timestamp: { relative: 1.5 }, end_timestamp: null },
    ],
    participant: sampleParticipant({ id: 3, name: null, extra_data: {} }),
  });
}

/** `transcript.provider_data` with a provider's own payload. */
export function transcriptProviderMessage(): WireObject {
  return sampleEnvelope("transcript.provider_data", "transcript", {
    payload: { channel: { alternatives: [{ transcript: "hi there", confidence: 0.98 }] } },
    provider: "deepgram",
  });
}

/** S16LE samples used by the audio samples. */
export const audioSamples = Buffer.from([0x01, 0x00, 0xff, 0x7f, 0x00, 0x80, 0x10, 0x20]);

/** `audio_mixed_raw.data` (no participant). */
export function audioMixedMessage(): WireObject {
  return sampleEnvelope("audio_mixed_raw.data", "audio_mixed", {
    buffer: audioSamples.toString("base64"),
    timestamp: { relative: 5.5, absolute: "2026-11-24T10:15:05.500Z" },
  });
}

/** `audio_separate_raw.data`. */
export function audioSeparateMessage(): WireObject {
  return sampleEnvelope("audio_separate_raw.data", "audio_separate", {
    buffer: audioSamples.toString("base64"),
    timestamp: { relative: 6, absolute: "2026-11-24T10:15:06.000Z" },
    participant: sampleParticipant({ id: 9, name: "", platform: null }),
  });
}

/** The JSON text of a message, as Recall sends it. */
export function toJson(message: unknown): string {
  return JSON.stringify(message);
}

/** The message bytes, as a websocket library hands them over. */
export function toBytes(message: unknown): Buffer {
  return Buffer.from(JSON.stringify(message), "utf8");
}

/** A deep copy of `message` with `change` applied: the way hostile variants are made. */
export function mutate(
  message: WireObject,
  change: (copy: WireObject & { data: WireObject & { data: WireObject } }) => void,
): WireObject {
  const copy = structuredClone(message) as WireObject & { data: WireObject & { data: WireObject } };
  change(copy);
  return copy;
}

/** Passed to {@link withField} to delete the field instead of setting it. */
export const removed: unique symbol = Symbol("removed");

/**
 * A deep copy of `message` with the field at a dotted `path` (e.g. `data.data.participant.id`) set
 * to `value`, or deleted when `value` is {@link removed}. Missing parents are created.
 */
export function withField(message: WireObject, path: string, value: unknown): WireObject {
  const copy = structuredClone(message);
  const keys = path.split(".");
  const last = keys.pop() ?? "";
  let target: Record<string, unknown> = copy;
  for (const key of keys) {
    const next = target[key];
    if (typeof next !== "object" || next === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  if (value === removed) delete target[last];
  else target[last] = value;
  return copy;
}
