import { describe, expect, it } from "vitest";
import { parseRecallMessage } from "../../src/recall/parse-recall-message.js";
import type { ParseProblemKind } from "../../src/recall/recall-event.js";
import { pngClaiming, withFlippedCrc } from "../support/png-surgery.js";
import {
  audioSeparateMessage,
  participantEventMessage,
  removed,
  toJson,
  transcriptMessage,
  videoH264Message,
  videoPngMessage,
  type WireObject,
  webcamPng,
  withField,
} from "../support/recall-samples.js";

const png = videoPngMessage();
const pngJson = toJson(png);
const base64 = webcamPng.toString("base64");
const jpegHeader = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0, 0, 1]);

interface ProblemCase {
  readonly name: string;
  readonly input: () => string | Buffer;
  readonly kind: ParseProblemKind;
  readonly path?: string;
  readonly event?: string;
  readonly maxBytes?: number;
}

/** The frame message with one field changed (or {@link removed}), expected to fail at `expectedPath`. */
function schemaCase(name: string, field: string, value: unknown, expectedPath = field, base: WireObject = png) {
  const event = base.event as string;
  return {
    name,
    input: () => toJson(withField(base, field, value)),
    kind: "schema",
    path: expectedPath,
    event,
  } as const;
}
/** The frame message with `data.data.buffer` replaced by `bytes` (base64-encoded) or by raw text. */
function bufferCase(name: string, kind: ParseProblemKind, buffer: Buffer | string): ProblemCase {
  const text = typeof buffer === "string" ? buffer : buffer.toString("base64");
  return {
    name,
    input: () => toJson(withField(png, "data.data.buffer", text)),
    kind,
    event: "video_separate_png.data",
  };
}
/** Bytes of the frame message with one byte overwritten at the first occurrence of `marker`. */
function corruptByte(marker: string, byte: number, offset = 0): Buffer {
  const bytes = Buffer.from(pngJson);
  bytes[pngJson.indexOf(marker) + offset] = byte;
  return bytes;
}

let seventeenMebibytes: string | undefined;
function hugeMessage(): string {
  seventeenMebibytes ??= toJson(withField(png, "data.data.buffer", "A".repeat(17 * 1024 * 1024)));
  return seventeenMebibytes;
}
const longName = toJson(withField(participantEventMessage("update"), "data.data.participant.name", "é".repeat(400)));

const problemCases: readonly ProblemCase[] = [
  schemaCase("a participant id as a numeric string", "data.data.participant.id", "100"),
  schemaCase("a negative participant id", "data.data.participant.id", -1),
  schemaCase("a fractional participant id", "data.data.participant.id", 1.5),
  schemaCase("a missing participant", "data.data.participant", removed),
  schemaCase("a participant name that is a number", "data.data.participant.name", 7),
  schemaCase("a type other than webcam or screenshare", "data.data.type", "camera"),
  schemaCase("a relative timestamp as a string", "data.data.timestamp.relative", "12.5"),
  schemaCase("a missing timestamp", "data.data.timestamp", removed),
  schemaCase("a missing buffer", "data.data.buffer", removed),
  schemaCase("a buffer that is a number", "data.data.buffer", 12345),
  schemaCase("a null buffer", "data.data.buffer", null),
  schemaCase("a missing recording", "data.recording", removed),
  schemaCase("a numeric recording id", "data.recording.id", 5),
  schemaCase("a bot without id", "data.bot", { metadata: {} }, "data.bot.id"),
  schemaCase("a metadata value that is an object", "data.recording.metadata.customer", { nested: true }),
  schemaCase(
    "an odd metadata key",
    "data.recording.metadata",
    { "bad\nkey": [] },
    'data.recording.metadata["bad?key"]',
  ),
  schemaCase("a missing data.data", "data.data", removed),
  schemaCase("envelope data that is a string", "data", "nope"),
  schemaCase("a missing event", "event", removed, "event", { ...png, event: undefined }),
  schemaCase("an event that is a number", "event", 3, "event", { ...png, event: undefined }),
  schemaCase(
    "a participant event id as a string",
    "data.data.participant.id",
    "42",
    undefined,
    participantEventMessage("join"),
  ),
  schemaCase("transcript words that are not an array", "data.data.words", "hello", undefined, transcriptMessage()),
  schemaCase("separate audio without participant", "data.data.participant", removed, undefined, audioSeparateMessage()),
  {
    name: "a relative timestamp that overflows to Infinity",
    input: () => pngJson.replace('"relative":12.5', '"relative":1e999'),
    kind: "schema",
    path: "data.data.timestamp.relative",
  },
  { name: "JSON null", input: () => "null", kind: "schema", path: "" },
  { name: "a JSON array", input: () => "[1,2,3]", kind: "schema", path: "" },
  { name: "a JSON number", input: () => "42", kind: "schema", path: "" },
  { name: "a JSON string", input: () => '"video_separate_png.data"', kind: "schema", path: "" },
  { name: "an empty string", input: () => "", kind: "invalid-json" },
  { name: "an empty Buffer", input: () => Buffer.alloc(0), kind: "invalid-json" },
  { name: "a cut-off message", input: () => pngJson.slice(0, 200), kind: "invalid-json" },
  { name: "single-quoted pseudo JSON", input: () => "{'event': 'video_separate_png.data'}", kind: "invalid-json" },
  { name: "a NaN literal", input: () => pngJson.replace('"relative":12.5', '"relative":NaN'), kind: "invalid-json" },
  // Under the envelope limit, so JSON.parse meets the nesting; a million is refused unparsed (`schema`).
  { name: "200,000 open brackets", input: () => "[".repeat(200_000), kind: "invalid-json" },
  { name: "a million open brackets", input: () => "[".repeat(1_000_000), kind: "schema" },
  { name: "a 0xff byte in the participant name", input: () => corruptByte("Lovelace", 0xff), kind: "invalid-utf8" },
  { name: "a broken sequence inside the base64", input: () => corruptByte(base64, 0xc3, 10), kind: "invalid-utf8" },
  {
    name: "an overlong encoding at the end",
    input: () => Buffer.concat([Buffer.from(pngJson.slice(0, -2)), Buffer.from(',"x":"\xc0\xaf"}}', "latin1")]),
    kind: "invalid-utf8",
  },
  { name: "a 17 MiB message", input: hugeMessage, kind: "too-large" },
  { name: "a message over options.maxBytes", input: () => pngJson, kind: "too-large", maxBytes: 1000 },
  {
    name: "text under maxBytes in characters but over it in bytes",
    input: () => longName,
    kind: "too-large",
    maxBytes: 1200,
  },
  bufferCase("punctuation instead of base64", "invalid-base64", "!!!not*base64!!!"),
  bufferCase("a base64 length that cannot be", "invalid-base64", `${base64}A`),
  bufferCase("padding in the middle", "invalid-base64", `${base64.slice(0, 8)}==${base64.slice(8)}`),
  bufferCase("a space inside the base64", "invalid-base64", `${base64.slice(0, 8)} ${base64.slice(8)}`),
  {
    name: "an escaped quote inside the base64",
    input: () => pngJson.replace(base64, `${base64.slice(0, 12)}\\"${base64.slice(12)}`),
    kind: "invalid-base64",
  },
  {
    name: "invalid base64 in audio",
    input: () => toJson(withField(audioSeparateMessage(), "data.data.buffer", "%%%%")),
    kind: "invalid-base64",
    event: "audio_separate_raw.data",
  },
  {
    name: "invalid base64 in h264",
    input: () => toJson(withField(videoH264Message(), "data.data.buffer", "AAAAA")),
    kind: "invalid-base64",
    event: "video_separate_h264.data",
  },
  bufferCase("a JPEG", "not-png", jpegHeader),
  bufferCase("text", "not-png", Buffer.from("definitely not a picture of anyone")),
  bufferCase("an empty buffer value", "not-png", ""),
  bufferCase("a PNG cut after 20 bytes", "truncated-png", webcamPng.subarray(0, 20)),
  bufferCase("a PNG signature alone", "truncated-png", webcamPng.subarray(0, 8)),
  bufferCase("a PNG cut in half", "truncated-png", webcamPng.subarray(0, webcamPng.length >> 1)),
  bufferCase("a PNG with a flipped IDAT CRC", "corrupt-png", withFlippedCrc(webcamPng, "IDAT")),
  bufferCase("a PNG with bytes after IEND", "corrupt-png", Buffer.concat([webcamPng, Buffer.from("extra")])),
  bufferCase("a PNG claiming 50000×50000 pixels", "too-many-pixels", pngClaiming(50_000, 50_000)),
];

describe("parseRecallMessage: hostile input yields typed problems", () => {
  it.each(problemCases)("$name → $kind", (testCase) => {
    const input = testCase.input();
    const forms = typeof input === "string" ? [input, Buffer.from(input)] : [input];
    for (const form of forms) {
      const options = testCase.maxBytes === undefined ? { receivedAt: 1 } : { maxBytes: testCase.maxBytes };
      const result = parseRecallMessage(form, options);
      if (result.ok) throw new Error(`expected ${testCase.kind}, got a ${result.event.kind} event`);
      const { problem } = result;
      expect(problem.kind).toBe(testCase.kind);
      expect(problem.path).toBe(testCase.path);
      expect(problem.bytes).toBe(typeof form === "string" ? Buffer.byteLength(form) : form.length);
      // One short line, and no payload: no names, metadata or base64.
      expect(problem.message).not.toMatch(/[\n\r]/);
      expect(problem.message).not.toMatch(/Ada|acme|Linus|iVBOR|AAAAAAAA|é/);
      expect(problem.message.length).toBeLessThan(200);
      if (testCase.event !== undefined) expect(problem.event).toBe(testCase.event);
    }
  });

  it("covers at least 25 hostile variants", () => {
    expect(problemCases.length).toBeGreaterThanOrEqual(25);
  });

  it("says which field failed and why", () => {
    const result = parseRecallMessage(toJson(withField(png, "data.data.participant.id", "100")));
    expect(!result.ok && result.problem.message).toBe(
      "data.data.participant.id: Invalid input: expected number, received string",
    );
  });

  it("counts further schema issues in the message", () => {
    const broken = withField(withField(png, "data.data.type", "camera"), "data.recording.id", 1);
    const result = parseRecallMessage(toJson(broken));
    expect(!result.ok && result.problem.message).toMatch(/\(and 1 more\)$/);
  });

  it("never throws for values that are neither text nor bytes", () => {
    for (const value of [undefined, null, 42, {}, [Buffer.from("{}")], Symbol("x")]) {
      const result = parseRecallMessage(value as unknown as string);
      expect(result).toMatchObject({ ok: false, problem: { kind: "invalid-json" } });
    }
  });

  it("never throws for options that are nonsense", () => {
    const result = parseRecallMessage(pngJson, { maxBytes: Number.NaN, receivedAt: Number.NaN });
    expect(result.ok).toBe(true);
  });

  it("refuses a frame over maxPixels as too-many-pixels, and accepts one at the limit", () => {
    const pixels = 48 * 36; // webcamPng
    expect(parseRecallMessage(pngJson, { maxPixels: pixels }).ok).toBe(true);
    const result = parseRecallMessage(Buffer.from(pngJson), { maxPixels: pixels - 1 });
    expect(result).toMatchObject({
      ok: false,
      problem: { kind: "too-many-pixels", event: "video_separate_png.data", bytes: Buffer.byteLength(pngJson) },
    });
    expect(!result.ok && result.problem.message).toBe(
      `PNG of 48x36 (${pixels} pixels) exceeds the maximum of ${pixels - 1} pixels`,
    );
  });

  it("checks every chunk of the PNG on the fast path and on the full parse alike", () => {
    const corruptBase64 = withFlippedCrc(webcamPng, "IDAT").toString("base64");
    const corrupt = toJson(withField(png, "data.data.buffer", corruptBase64));
    // An escaped slash in the base64 makes the fast path give way to the full parse.
    expect(corruptBase64).toContain("/");
    const escaped = corrupt.replace(corruptBase64, corruptBase64.replace("/", "\\/"));
    for (const input of [corrupt, Buffer.from(corrupt), escaped]) {
      expect(parseRecallMessage(input)).toMatchObject({ ok: false, problem: { kind: "corrupt-png" } });
    }
  });

  it("accepts a message of exactly maxBytes and refuses one byte less", () => {
    const size = Buffer.byteLength(pngJson);
    expect(parseRecallMessage(pngJson, { maxBytes: size }).ok).toBe(true);
    expect(parseRecallMessage(Buffer.from(pngJson), { maxBytes: size - 1 })).toMatchObject({
      ok: false,
      problem: { kind: "too-large", bytes: size },
    });
  });
});
