import { afterEach, describe, expect, it, vi } from "vitest";
import { parseRecallMessage } from "../../src/recall/parse-recall-message.js";
import type { RecallEvent } from "../../src/recall/recall-event.js";
import {
  mutate,
  participantEventMessage,
  removed,
  toJson,
  videoPngMessage,
  type WireObject,
  webcamPng,
  withField,
} from "../support/recall-samples.js";

type Bag = Record<string, unknown>;

const receivedAt = 10;
const png = videoPngMessage();
const pngJson = toJson(png);
const base64 = webcamPng.toString("base64");

/** Parses as text and as bytes, checks both agree, and returns the event. */
function accepted(input: string): RecallEvent {
  const fromText = parseRecallMessage(input, { receivedAt });
  expect(parseRecallMessage(Buffer.from(input), { receivedAt })).toEqual(fromText);
  if (!fromText.ok) throw new Error(`expected an event, got ${fromText.problem.kind}: ${fromText.problem.message}`);
  return fromText.event;
}
function frameOf(input: string | WireObject) {
  const event = accepted(typeof input === "string" ? input : toJson(input));
  if (event.kind !== "video-frame") throw new Error(`expected a frame, got ${event.kind}`);
  return event.frame;
}
/** The frame message with several fields set (or {@link removed}). */
function videoWith(fields: Record<string, unknown>): WireObject {
  return Object.entries(fields).reduce((message, [path, value]) => withField(message, path, value), png);
}
const cleanFrame = frameOf(pngJson);
const unknownRef = { id: "unknown", metadata: {} };

describe("parseRecallMessage: what Recall may send is accepted", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("accepts extra fields everywhere and ignores them", () => {
    const message = videoWith({
      extra: { nested: [1, 2] },
      "data.new_resource": { id: "x" },
      "data.data.new_field": true,
      "data.data.participant.new_field": "y",
      "data.recording.created_at": "2026-01-01",
    });
    expect(frameOf(message)).toEqual(cleanFrame);
  });

  it("accepts a null or empty name", () => {
    expect(frameOf(videoWith({ "data.data.participant.name": null })).participant.name).toBeNull();
    expect(frameOf(videoWith({ "data.data.participant.name": "" })).participant.name).toBe("");
  });

  it.each([
    ["missing", { id: 5, name: "Only Id" }],
    ["null", { id: 5, name: "Only Id", platform: null, extra_data: null, email: null, is_host: null }],
  ])("fills platform, extra_data, email and is_host when %s", (_name, participant) => {
    expect(frameOf(videoWith({ "data.data.participant": participant })).participant).toEqual({
      id: 5,
      name: "Only Id",
      isHost: false,
      platform: null,
      email: null,
      extraData: {},
    });
  });

  it("accepts participant id 0", () => {
    expect(frameOf(videoWith({ "data.data.participant.id": 0 })).participant.id).toBe(0);
  });

  it("accepts a bot that is null or absent", () => {
    expect(frameOf(videoWith({ "data.bot": null })).bot).toBeNull();
    expect(frameOf(videoWith({ "data.bot": removed })).bot).toBeNull();
  });

  it("names a missing realtime_endpoint or video_separate `unknown`", () => {
    const frame = frameOf(videoWith({ "data.realtime_endpoint": removed, "data.video_separate": null }));
    expect(frame.realtimeEndpoint).toEqual(unknownRef);
    expect(frame.videoSeparate).toEqual(unknownRef);
  });

  it("stringifies metadata numbers and booleans, drops nulls, and defaults a missing record to {}", () => {
    const frame = frameOf(
      videoWith({
        "data.recording.metadata": { count: 3, flag: false, gone: null, text: "kept" },
        "data.bot.metadata": removed,
        "data.realtime_endpoint.metadata": null,
      }),
    );
    expect(frame.recording.metadata).toEqual({ count: "3", flag: "false", text: "kept" });
    expect(frame.bot?.metadata).toEqual({});
    expect(frame.realtimeEndpoint.metadata).toEqual({});
  });

  it("accepts the largest metadata Recall allows unchanged (64 keys of 500 two-byte characters)", () => {
    // Larger metadata is bounded: see parse-recall-message.bounds.test.ts.
    const metadata = Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`key${index}`, "é".repeat(500)]));
    const frame = frameOf(videoWith({ "data.recording.metadata": metadata }));
    expect(frame.recording.metadata).toEqual(metadata);
  });

  it.each([
    ["unparsable", "yesterday-ish"],
    ["empty", ""],
    ["null", null],
    ["missing", removed],
  ])("falls back to the parse time for an %s absolute timestamp", (_name, absolute) => {
    vi.useFakeTimers({ now: new Date("2030-01-02T03:04:05.678Z"), toFake: ["Date"] });
    const frame = frameOf(videoWith({ "data.data.timestamp.absolute": absolute }));
    expect(frame.timestamp).toEqual({ relative: 12.5, absolute: new Date("2030-01-02T03:04:05.678Z") });
  });

  it("gives other events a null absolute timestamp when it is unreadable", () => {
    const message = withField(participantEventMessage("leave"), "data.data.timestamp", { absolute: "soon" });
    const event = accepted(toJson(message));
    expect(event.kind === "participant" && event.timestamp).toEqual({ relative: null, absolute: null });
  });

  it("accepts a participant event without timestamp or chat data", () => {
    const message = withField(
      withField(participantEventMessage("join"), "data.data.timestamp", removed),
      "data.data.data",
      removed,
    );
    expect(accepted(toJson(message))).toMatchObject({
      kind: "participant",
      timestamp: { relative: null, absolute: null },
      chat: null,
    });
  });

  it.each([
    ["a future event", "video_separate_mp4.data"],
    ["the singular participant_event.join misspelling", "participant_event.join"],
    ["an unknown participant action", "participant_events.dance"],
    ["an empty name", ""],
  ])("turns %s into an unknown event, not a problem", (_name, name) => {
    const input = toJson({ ...participantEventMessage("join"), event: name });
    const event = accepted(input);
    expect(event).toMatchObject({ kind: "unknown", event: name, receivedAt, raw: JSON.parse(input) });
    expect(event.kind === "unknown" && event.context).toEqual({
      recording: cleanFrame.recording,
      bot: cleanFrame.bot,
      realtimeEndpoint: cleanFrame.realtimeEndpoint,
    });
  });

  it("gives an unknown event without a readable envelope a null context", () => {
    expect(accepted('{"event":"something.else"}')).toEqual({
      kind: "unknown",
      event: "something.else",
      context: null,
      raw: { event: "something.else" },
      receivedAt,
    });
  });

  it("keeps the real base64 in the raw JSON of an unknown event that carries a buffer", () => {
    const event = accepted(toJson({ ...png, event: "video_separate_webp.data" }));
    expect(event.kind === "unknown" && (event.raw as { data: { data: Bag } }).data.data.buffer).toBe(base64);
  });

  it("parses a frame whose extra_data holds a `buffer` key before the real one", () => {
    const message = mutate(png, (copy) => {
      const { buffer, ...rest } = copy.data.data;
      const participant = { ...(rest.participant as Bag), extra_data: { buffer: "QUFBQQ==", teams: { buffer: 3 } } };
      copy.data.data = { ...rest, participant, buffer };
    });
    const input = toJson(message);
    expect(input.indexOf('"buffer":"QUFBQQ=="')).toBeLessThan(input.indexOf(base64));
    const frame = frameOf(input);
    expect(frame.image).toEqual(cleanFrame.image);
    expect(frame.participant.extraData).toEqual({ buffer: "QUFBQQ==", teams: { buffer: 3 } });
  });

  it("parses base64 whose slashes are escaped as \\/", () => {
    const input = pngJson.replace(base64, base64.replaceAll("/", "\\/"));
    expect(input).toContain("\\/");
    expect(frameOf(input)).toEqual(cleanFrame);
  });

  it("parses base64 with a \\u escape", () => {
    expect(base64.startsWith("i")).toBe(true);
    expect(frameOf(pngJson.replace(base64, `\\u0069${base64.slice(1)}`))).toEqual(cleanFrame);
  });

  it.each([
    ["pretty-printed", JSON.stringify(png, null, 2)],
    ["tab-indented", JSON.stringify(png, null, "\t")],
    ["spaces around the colon", pngJson.replace('"buffer":"', '"buffer" : "')],
    ["CRLF around the colon", pngJson.replace('"buffer":"', '"buffer"\r\n:\r\n"')],
  ])("parses a %s message", (_name, input) => {
    expect(frameOf(input)).toEqual(cleanFrame);
  });

  it("does not let __proto__ keys pollute prototypes", () => {
    const input = pngJson
      .replace('"extra_data":{', '"extra_data":{"__proto__":{"polluted":true},')
      .replace('"metadata":{"customer"', '"metadata":{"__proto__":"x","customer"');
    const frame = frameOf(input);
    expect(({} as Bag).polluted).toBeUndefined();
    expect((frame.participant.extraData as Bag).polluted).toBeUndefined();
    expect(frame.recording.metadata).toEqual({ customer: "acme", meeting: "weekly" });
  });
});
