import { afterEach, describe, expect, it, vi } from "vitest";
import { parseRecallMessage, parseRecallMessageWithoutFastPath } from "../../src/recall/parse-recall-message.js";
import { bufferSentinel, splitBufferField } from "../../src/recall/split-buffer-field.js";
import { makePng } from "../support/make-png.js";
import {
  audioMixedMessage,
  audioSeparateMessage,
  mutate,
  participantEventMessage,
  toJson,
  transcriptMessage,
  transcriptProviderMessage,
  videoH264Message,
  videoPngMessage,
  webcamPng,
} from "../support/recall-samples.js";

const receivedAt = 99;
const base64 = webcamPng.toString("base64");
const pngJson = toJson(videoPngMessage());
// A noisy 480×360 PNG: its base64 is several 64 KiB pieces long, as a real webcam frame's is.
const largePng = makePng({ width: 480, height: 360, noise: 1 });
const largeBase64 = largePng.toString("base64");
const largeJson = toJson(videoPngMessage({ png: largePng }));
const midPiece = 64 * 1024 + 10;

/** Every sample kind plus the messages that force the fast path to give way. */
const messages: readonly (readonly [string, string])[] = [
  ["a webcam frame", pngJson],
  [
    "an RGBA screenshare frame",
    toJson(videoPngMessage({ png: makePng({ width: 90, height: 50, channels: "rgba" }), type: "screenshare" })),
  ],
  ["an h264 access unit", toJson(videoH264Message())],
  ["mixed audio", toJson(audioMixedMessage())],
  ["separate audio", toJson(audioSeparateMessage())],
  ["a participant join", toJson(participantEventMessage("join"))],
  ["a chat message", toJson(participantEventMessage("chat_message", { text: "hi", to: "everyone" }))],
  ["a transcript", toJson(transcriptMessage())],
  ["provider data", toJson(transcriptProviderMessage())],
  ["an unknown event with a buffer", pngJson.replace("video_separate_png.data", "video_mixed_png.data")],
  ["escaped slashes", pngJson.replace(base64, base64.replaceAll("/", "\\/"))],
  ["a pretty-printed frame", JSON.stringify(videoPngMessage(), null, 2)],
  [
    "a buffer key in extra_data first",
    toJson(
      mutate(videoPngMessage(), (m) => {
        const { buffer, ...rest } = m.data.data;
        m.data.data = { ...rest, participant: { id: 1, extra_data: { buffer: "AAAA" } }, buffer };
      }),
    ),
  ],
  ["a top-level buffer key first", `{"buffer":"QUFB",${pngJson.slice(1)}`],
  ["a user-supplied sentinel", pngJson.replace(base64, "\\u0000framepipe:buffer")],
  ["invalid base64", pngJson.replace(base64, "!!!!")],
  ["a JPEG", pngJson.replace(base64, Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString("base64"))],
  ["a truncated PNG", pngJson.replace(base64, webcamPng.subarray(0, 30).toString("base64"))],
  ["a schema error", pngJson.replace('"id":100', '"id":"100"')],
  ["invalid JSON after the buffer", `${pngJson.slice(0, -1)},}`],
  ["an unterminated buffer", pngJson.slice(0, pngJson.indexOf(base64) + 100)],
  ["a large frame (its base64 decoded in pieces)", largeJson],
  [
    "a large frame with a bad character in a middle piece",
    largeJson.replace(largeBase64, `${largeBase64.slice(0, midPiece)}*${largeBase64.slice(midPiece + 1)}`),
  ],
  ["a large frame with escaped slashes", largeJson.replace(largeBase64, largeBase64.replaceAll("/", "\\/"))],
];

describe("parseRecallMessage: fast path and full parse agree", () => {
  it.each(messages)("gives the same result for %s, as text and as bytes", (_name, text) => {
    const reference = parseRecallMessageWithoutFastPath(text, { receivedAt });
    expect(parseRecallMessage(text, { receivedAt })).toEqual(reference);
    expect(parseRecallMessage(Buffer.from(text), { receivedAt })).toEqual(reference);
    expect(parseRecallMessageWithoutFastPath(Buffer.from(text), { receivedAt })).toEqual(reference);
  });

  it("decodes a large frame's image exactly", () => {
    const result = parseRecallMessage(Buffer.from(largeJson));
    expect(largeBase64.length).toBeGreaterThan(3 * 64 * 1024);
    expect(result.ok && result.event.kind === "video-frame" && result.event.frame.image.data.equals(largePng)).toBe(
      true,
    );
  });

  it("rejects a message that only pretends to hold the sentinel", () => {
    const result = parseRecallMessage(Buffer.from(pngJson.replace(base64, "\\u0000framepipe:buffer")));
    expect(result).toMatchObject({ ok: false, problem: { kind: "invalid-base64" } });
  });
});

describe("parseRecallMessage: which path runs", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("JSON-parses only the remainder of a frame message, never its base64", () => {
    const parse = vi.spyOn(JSON, "parse");
    expect(parseRecallMessage(Buffer.from(pngJson)).ok).toBe(true);
    expect(parseRecallMessage(pngJson).ok).toBe(true);
    expect(parse).toHaveBeenCalledTimes(2);
    for (const [text] of parse.mock.calls) expect(text.length).toBeLessThan(pngJson.length - base64.length + 50);
  });

  it("falls back to one full parse when the blanked value was not data.data.buffer", () => {
    const input = messages.find(([name]) => name === "a buffer key in extra_data first")?.[1] ?? "";
    expect(input.indexOf('"buffer":"AAAA"')).toBeLessThan(input.indexOf(base64));
    const parse = vi.spyOn(JSON, "parse");
    expect(parseRecallMessage(Buffer.from(input)).ok).toBe(true);
    expect(parse.mock.calls.map(([text]) => text.length)).toEqual([expect.any(Number), input.length]);
  });
});

describe("splitBufferField", () => {
  it("finds the base64 span in bytes and in text, and blanks it in the rest", () => {
    const start = pngJson.indexOf(base64);
    for (const input of [pngJson, Buffer.from(pngJson)]) {
      const split = splitBufferField(input);
      expect(split).toMatchObject({ start, end: start + base64.length });
      expect(split?.rest).not.toContain(base64.slice(0, 40));
      expect(JSON.parse(split?.rest ?? "null").data.data.buffer).toBe(bufferSentinel);
    }
  });

  it("measures the span in UTF-16 units for text and bytes for a Buffer", () => {
    const withNameFirst = toJson(
      mutate(videoPngMessage(), (m) => {
        const { buffer, ...rest } = m.data.data;
        m.data.data = { ...rest, participant: { id: 1, name: "Ådå Łovelace" }, buffer };
      }),
    );
    const fromText = splitBufferField(withNameFirst);
    const fromBytes = splitBufferField(Buffer.from(withNameFirst));
    expect(withNameFirst.slice(fromText?.start, fromText?.end)).toBe(base64);
    expect(Buffer.from(withNameFirst).toString("latin1", fromBytes?.start, fromBytes?.end)).toBe(base64);
    // Å, å and Ł take two bytes each in UTF-8.
    expect(fromBytes?.start).toBe((fromText?.start ?? 0) + 3);
  });

  it("skips `buffer` keys whose value is not a string and `buffer` as a value", () => {
    const text = '{"name":"buffer","x":{"buffer":5},"buffer" :\n"QUFB"}';
    const split = splitBufferField(text);
    expect(text.slice(split?.start, split?.end)).toBe("QUFB");
  });

  it("returns null without a buffer string, or when its value never closes", () => {
    expect(splitBufferField('{"event":"participant_events.join"}')).toBeNull();
    expect(splitBufferField('{"buffer":"QUFB')).toBeNull();
    expect(splitBufferField(Buffer.from('{"buffer":'))).toBeNull();
  });
});

describe("parseRecallMessage: input is never modified", () => {
  it.each(messages)("leaves the bytes of %s untouched", (_name, text) => {
    const bytes = Buffer.from(text);
    const copy = Buffer.from(bytes);
    parseRecallMessage(bytes, { receivedAt });
    expect(bytes.equals(copy)).toBe(true);
  });

  it("returns image bytes that do not share memory with the input", () => {
    const bytes = Buffer.from(pngJson);
    const result = parseRecallMessage(bytes);
    if (!result.ok || result.event.kind !== "video-frame") throw new Error("expected a frame");
    result.event.frame.image.data.fill(0);
    expect(bytes.toString()).toBe(pngJson);
  });
});
