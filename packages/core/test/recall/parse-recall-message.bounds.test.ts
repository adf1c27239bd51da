import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { recallValueLimits } from "../../src/recall/bounded-values.js";
import { defaultMaxEnvelopeBytes } from "../../src/recall/envelope-size.js";
import { parseRecallMessage, parseRecallMessageWithoutFastPath } from "../../src/recall/parse-recall-message.js";
import type { ParseOptions, ParseResult } from "../../src/recall/recall-event.js";
import { makePng } from "../support/make-png.js";
import {
  participantEventMessage,
  sampleParticipant,
  toJson,
  transcriptMessage,
  videoPngMessage,
  type WireObject,
  withField,
} from "../support/recall-samples.js";

/*
 * Issue 12, item 1: values kept beyond a message (names, ids, metadata, extra_data) are bounded,
 * and an absurdly large envelope is refused. Every case is parsed four ways (text and bytes, fast
 * path and full parse), which must agree.
 */

function parse(input: string, options: ParseOptions = {}): ParseResult {
  const settled = { receivedAt: 5, ...options };
  const result = parseRecallMessage(input, settled);
  expect(parseRecallMessage(Buffer.from(input), settled)).toEqual(result);
  expect(parseRecallMessageWithoutFastPath(input, settled)).toEqual(result);
  expect(parseRecallMessageWithoutFastPath(Buffer.from(input), settled)).toEqual(result);
  return result;
}

function accepted(message: WireObject, options?: ParseOptions) {
  const result = parse(toJson(message), options);
  if (!result.ok) throw new Error(`expected an event, got ${result.problem.kind}: ${result.problem.message}`);
  return result;
}

function frameOf(message: WireObject) {
  const result = accepted(message);
  if (result.event.kind !== "video-frame") throw new Error(`expected a frame, got ${result.event.kind}`);
  return { frame: result.event.frame, truncated: result.truncated };
}

function withParticipant(fields: WireObject): WireObject {
  return videoPngMessage({ participant: sampleParticipant(fields) });
}

function hashOf(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("parseRecallMessage: kept values are bounded", () => {
  it("keeps names, emails, platforms and ids of Recall's sizes as they are, with no truncated list", () => {
    const name = "é".repeat(128); // exactly 256 bytes
    const { frame, truncated } = frameOf(withParticipant({ name, email: "ada@example.com" }));
    expect(frame.participant.name).toBe(name);
    expect(frame.participant.email).toBe("ada@example.com");
    expect(truncated).toBeUndefined();
    expect(accepted(videoPngMessage())).not.toHaveProperty("truncated");
  });

  it("cuts a long name to 256 bytes ending in ~ and the hash of the whole name", () => {
    const name = `Ada ${"x".repeat(10_000)}`;
    const { frame, truncated } = frameOf(withParticipant({ name }));
    expect(frame.participant.name).toBe(`${name.slice(0, 247)}~${hashOf(name)}`);
    expect(bytes(frame.participant.name as string)).toBe(recallValueLimits.textBytes);
    expect(truncated).toEqual(["participant.name"]);
  });

  it("keeps long names that differ only past the cut distinct", () => {
    const prefix = "y".repeat(1000);
    const first = frameOf(withParticipant({ name: `${prefix}1` })).frame.participant.name;
    const second = frameOf(withParticipant({ name: `${prefix}2` })).frame.participant.name;
    expect(first).not.toBe(second);
    expect(first?.slice(0, 247)).toBe(second?.slice(0, 247));
  });

  it("cuts between characters, never inside a multi-byte character or an emoji", () => {
    const name = `${"é".repeat(100)}${"👩‍👩‍👧".repeat(20)}`;
    const bounded = frameOf(withParticipant({ name })).frame.participant.name as string;
    expect(bytes(bounded)).toBeLessThanOrEqual(256);
    expect(bounded).toMatch(/^é{100}(👩‍👩‍👧)+~[0-9a-f]{8}$/u);
  });

  it("bounds email and platform, and notes each field once", () => {
    const long = "z".repeat(300);
    const { frame, truncated } = frameOf(withParticipant({ email: long, platform: long }));
    expect(bytes(frame.participant.email as string)).toBe(256);
    expect(bytes(frame.participant.platform as string)).toBe(256);
    expect(truncated).toEqual(["participant.platform", "participant.email"]);
  });

  it("bounds resource ids with the hash, so recordings sharing a long prefix stay apart", () => {
    const prefix = "r".repeat(400);
    const first = frameOf(withField(videoPngMessage(), "data.recording.id", `${prefix}-1`));
    const second = frameOf(withField(videoPngMessage(), "data.recording.id", `${prefix}-2`));
    expect(bytes(first.frame.recording.id)).toBe(256);
    expect(first.frame.recording.id).not.toBe(second.frame.recording.id);
    expect(first.frame.recording.id).toBe(`${prefix.slice(0, 247)}~${hashOf(`${prefix}-1`)}`);
    expect(first.truncated).toEqual(["recording.id"]);
    const bot = frameOf(withField(videoPngMessage(), "data.bot.id", prefix));
    expect(bot.truncated).toEqual(["bot.id"]);
  });

  it("keeps at most 64 metadata keys, each key and value bounded", () => {
    const metadata = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`key${index}`, "v"]));
    const many = frameOf(withField(videoPngMessage(), "data.recording.metadata", metadata));
    expect(Object.keys(many.frame.recording.metadata)).toEqual(Object.keys(metadata).slice(0, 64));
    expect(many.truncated).toEqual(["recording.metadata"]);

    const longKey = "k".repeat(1000);
    const large = { [longKey]: "v", long: "w".repeat(5000), kept: "as is" };
    const bounded = frameOf(withField(videoPngMessage(), "data.bot.metadata", large)).frame.bot?.metadata ?? {};
    expect(bounded.long).toBe(`${"w".repeat(2039)}~${hashOf("w".repeat(5000))}`);
    expect(bounded[`${"k".repeat(247)}~${hashOf(longKey)}`]).toBe("v");
    expect(bounded.kept).toBe("as is");
  });

  it("keeps a small extra_data and drops one over 4 KiB of JSON", () => {
    const small = { zoom: { user_guid: "guid" } };
    expect(frameOf(withParticipant({ extra_data: small })).frame.participant.extraData).toEqual(small);
    const large = { teams: { blob: "b".repeat(5000) } };
    const { frame, truncated } = frameOf(withParticipant({ extra_data: large }));
    expect(frame.participant.extraData).toEqual({});
    expect(Object.isFrozen(frame.participant.extraData)).toBe(true);
    expect(truncated).toEqual(["participant.extra_data"]);
  });

  it("bounds the participants of participant and transcript events too", () => {
    const name = "n".repeat(600);
    const join = accepted(withField(participantEventMessage("join"), "data.data.participant.name", name));
    expect(join.event.kind === "participant" && bytes(join.event.participant.name as string)).toBe(256);
    expect(join.truncated).toEqual(["participant.name"]);
    const transcript = accepted(withField(transcriptMessage(), "data.data.participant.name", name));
    expect(transcript.truncated).toEqual(["participant.name"]);
  });
});

describe("parseRecallMessage: an absurdly large envelope is refused as schema", () => {
  const hugeName = "N".repeat(1024 * 1024);

  it("refuses a participant event with a 1 MiB name, unparsed", () => {
    const message = toJson(withField(participantEventMessage("join"), "data.data.participant.name", hugeName));
    const result = parse(message);
    expect(result).toEqual({
      ok: false,
      problem: {
        kind: "schema",
        message: `message: the envelope (everything but data.data.buffer) is over the maximum of ${defaultMaxEnvelopeBytes} bytes`,
        bytes: bytes(message),
      },
    });
  });

  it("refuses a frame whose envelope outside the image is too large, naming the event", () => {
    const message = toJson(withParticipant({ name: "n".repeat(defaultMaxEnvelopeBytes) }));
    const result = parse(message);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatchObject({ kind: "schema", event: "video_separate_png.data" });
  });

  it("measures the envelope exactly, the same on the fast path and the full parse", () => {
    const message = toJson(withParticipant({ name: "Zoë Ångström" }));
    const base64 = (videoPngMessage().data as { data: { buffer: string } }).data.buffer;
    const envelope = bytes(message) - base64.length;
    expect(parse(message, { maxEnvelopeBytes: envelope }).ok).toBe(true);
    const refused = parse(message, { maxEnvelopeBytes: envelope - 1 });
    expect(!refused.ok && refused.problem.kind).toBe("schema");
  });

  it("does not count the image: a frame with a large PNG and a small envelope passes", () => {
    const png = makePng({ width: 300, height: 220, channels: "rgba", noise: 1 });
    expect(png.toString("base64").length).toBeGreaterThan(defaultMaxEnvelopeBytes);
    const message = toJson(videoPngMessage({ png }));
    // Not through parse(): comparing four results holding a large image costs seconds.
    for (const result of [parseRecallMessage(Buffer.from(message)), parseRecallMessageWithoutFastPath(message)]) {
      expect(result.ok && result.event.kind === "video-frame" && result.event.frame.image.data.equals(png)).toBe(true);
    }
  });

  it("follows maxEnvelopeBytes: a raised limit accepts the 1 MiB name (bounded), a lowered one refuses a real event", () => {
    const message = withField(participantEventMessage("join"), "data.data.participant.name", hugeName);
    const raised = accepted(message, { maxEnvelopeBytes: 2 * 1024 * 1024 });
    expect(raised.event.kind === "participant" && raised.event.participant.name).toBe(
      `${hugeName.slice(0, 247)}~${hashOf(hugeName)}`,
    );
    const lowered = parse(toJson(videoPngMessage()), { maxEnvelopeBytes: 100 });
    expect(!lowered.ok && lowered.problem.kind).toBe("schema");
  });
});
