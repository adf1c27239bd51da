import { describe, expect, it } from "vitest";
import { parseRecallMessage } from "../../src/recall/parse-recall-message.js";
import type { RecallEvent } from "../../src/recall/recall-event.js";
import { makePng } from "../support/make-png.js";
import {
  audioMixedMessage,
  audioSamples,
  audioSeparateMessage,
  h264AccessUnit,
  participantEventMessage,
  sampleIds,
  screensharePng,
  toBytes,
  toJson,
  transcriptMessage,
  transcriptProviderMessage,
  videoH264Message,
  videoPngMessage,
  webcamPng,
} from "../support/recall-samples.js";

const receivedAt = 4242.5;
const context = {
  recording: { id: sampleIds.recording, metadata: { customer: "acme", meeting: "weekly" } },
  bot: { id: sampleIds.bot, metadata: { team: "video" } },
  realtimeEndpoint: { id: sampleIds.realtimeEndpoint, metadata: {} },
};
const ada = {
  id: 100,
  name: "Ada Lovelace",
  isHost: true,
  platform: "desktop",
  email: "ada@example.com",
  extraData: { zoom: { user_guid: "guid-100", conf_user_id: "16778240" } },
};

/** Parses both as text and as bytes, checks both agree, and returns the event. */
function parseEvent(message: unknown): RecallEvent {
  const fromText = parseRecallMessage(toJson(message), { receivedAt });
  const fromBytes = parseRecallMessage(toBytes(message), { receivedAt });
  expect(fromBytes).toEqual(fromText);
  if (!fromText.ok) throw new Error(`expected an event, got ${fromText.problem.kind}: ${fromText.problem.message}`);
  return fromText.event;
}

describe("parseRecallMessage: documented payloads", () => {
  it("maps video_separate_png.data to a frozen frame with every field", () => {
    const event = parseEvent(videoPngMessage());
    expect(event).toEqual({
      kind: "video-frame",
      event: "video_separate_png.data",
      frame: {
        ...context,
        videoSeparate: { id: sampleIds.resource, metadata: {} },
        participant: ada,
        type: "webcam",
        timestamp: { relative: 12.5, absolute: new Date("2026-11-24T10:15:00.123Z") },
        image: { data: webcamPng, format: "png", width: 48, height: 36 },
        receivedAt,
      },
    });
    if (event.kind !== "video-frame") throw new Error("unreachable");
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.frame)).toBe(true);
    expect(Object.isFrozen(event.frame.participant)).toBe(true);
    expect(Object.isFrozen(event.frame.image)).toBe(true);
    expect(Object.isFrozen(event.frame.recording.metadata)).toBe(true);
    expect(event.frame.timestamp.absolute).toBeInstanceOf(Date);
    expect("seq" in event.frame).toBe(false);
  });

  it.each([
    ["RGB webcam 48x36", webcamPng, 48, 36, "webcam"],
    ["RGBA screenshare 64x40", screensharePng, 64, 40, "screenshare"],
    ["RGB 100x60 (~17 KB)", makePng({ width: 100, height: 60, seed: 5 }), 100, 60, "webcam"],
    ["RGBA 120x90", makePng({ width: 120, height: 90, channels: "rgba", seed: 6 }), 120, 90, "screenshare"],
    ["RGB 1x1", makePng({ width: 1, height: 1 }), 1, 1, "webcam"],
  ] as const)("reads the size of a %s PNG from its header", (_name, png, width, height, type) => {
    const event = parseEvent(videoPngMessage({ png, type }));
    if (event.kind !== "video-frame") throw new Error(`unexpected ${event.kind}`);
    expect(event.frame.type).toBe(type);
    expect(event.frame.image).toEqual({ data: png, format: "png", width, height });
  });

  it("maps video_separate_h264.data to an access unit event", () => {
    expect(parseEvent(videoH264Message())).toEqual({
      kind: "video-h264",
      event: "video_separate_h264.data",
      ...context,
      participant: { ...ada, id: 7, name: "Grace", isHost: false },
      type: "screenshare",
      timestamp: { relative: 3.25, absolute: new Date("2026-11-24T10:15:01.000Z") },
      data: h264AccessUnit,
      receivedAt,
    });
  });

  const linus = {
    id: 42,
    name: "Linus",
    isHost: false,
    platform: "dial-in",
    email: null,
    extraData: { zoom: { user_guid: "guid-100", conf_user_id: "16778240" } },
  };

  it.each([
    "join",
    "leave",
    "update",
    "speech_on",
    "speech_off",
    "webcam_on",
    "webcam_off",
    "screenshare_on",
    "screenshare_off",
  ])("maps participant_events.%s", (action) => {
    expect(parseEvent(participantEventMessage(action))).toEqual({
      kind: "participant",
      event: `participant_events.${action}`,
      action,
      ...context,
      participant: linus,
      timestamp: { relative: 1.75, absolute: new Date("2026-11-24T10:14:50.000Z") },
      chat: null,
      receivedAt,
    });
  });

  it("maps participant_events.chat_message with its text and recipient", () => {
    const event = parseEvent(participantEventMessage("chat_message", { text: "hi all", to: "everyone" }));
    expect(event).toMatchObject({ kind: "participant", action: "chat_message", participant: linus });
    expect(event.kind === "participant" && event.chat).toEqual({ text: "hi all", to: "everyone" });
  });

  it("maps a chat message without a recipient to `to: null`", () => {
    const event = parseEvent(participantEventMessage("chat_message", { text: "psst" }));
    expect(event.kind === "participant" && event.chat).toEqual({ text: "psst", to: null });
  });

  it.each(["transcript.data", "transcript.partial_data"] as const)("maps %s with its words", (name) => {
    const message = transcriptMessage(name);
    expect(parseEvent(message)).toEqual({
      kind: "transcript",
      event: name,
      partial: name === "transcript.partial_data",
      ...context,
      participant: { ...ada, id: 3, name: null, extraData: {} },
      words: [
        { text: "hello", start: 1.0, end: 1.4 },
        { text: "world", start: 1.5, end: null },
      ],
      raw: (message.data as { data: unknown }).data,
      receivedAt,
    });
  });

  it("maps transcript.provider_data, keeping the provider payload as raw", () => {
    const message = transcriptProviderMessage();
    expect(parseEvent(message)).toEqual({
      kind: "transcript",
      event: "transcript.provider_data",
      partial: false,
      ...context,
      participant: null,
      words: [],
      raw: (message.data as { data: unknown }).data,
      receivedAt,
    });
  });

  it("maps audio_mixed_raw.data without a participant", () => {
    expect(parseEvent(audioMixedMessage())).toEqual({
      kind: "audio",
      event: "audio_mixed_raw.data",
      ...context,
      participant: null,
      timestamp: { relative: 5.5, absolute: new Date("2026-11-24T10:15:05.500Z") },
      data: audioSamples,
      receivedAt,
    });
  });

  it("maps audio_separate_raw.data with its participant", () => {
    expect(parseEvent(audioSeparateMessage())).toEqual({
      kind: "audio",
      event: "audio_separate_raw.data",
      ...context,
      participant: { ...ada, id: 9, name: "", platform: null },
      timestamp: { relative: 6, absolute: new Date("2026-11-24T10:15:06.000Z") },
      data: audioSamples,
      receivedAt,
    });
  });

  it("stamps performance.now() when no receivedAt is given", () => {
    const before = performance.now();
    const result = parseRecallMessage(toBytes(videoPngMessage()));
    const after = performance.now();
    const stamped = result.ok && result.event.kind === "video-frame" ? result.event.frame.receivedAt : Number.NaN;
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(after);
  });

  it("accepts a Uint8Array that is not a Buffer, and an ArrayBuffer", () => {
    const bytes = toBytes(videoPngMessage());
    const view = new Uint8Array(bytes.length);
    view.set(bytes);
    const expected = parseRecallMessage(bytes, { receivedAt });
    expect(parseRecallMessage(view, { receivedAt })).toEqual(expected);
    expect(parseRecallMessage(view.buffer as unknown as Uint8Array, { receivedAt })).toEqual(expected);
  });
});
