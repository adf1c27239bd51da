import { createTestPng, pngClaimingSize, pngWithCorruptCrc } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { decodeLegacyFrame, parseLegacyHandshake } from "../src/legacy-binary-protocol.js";

function legacyFrame(participantId: number, relativeMs: number, image: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(participantId, 0);
  header.writeUInt32LE(relativeMs, 4);
  return Buffer.concat([header, image]);
}

describe("legacy binary protocol", () => {
  it("reads the handshake and nothing else", () => {
    expect(parseLegacyHandshake(Buffer.from('{"protocol_version":1,"bot_id":"bot-7"}'))).toEqual({
      protocolVersion: 1,
      botId: "bot-7",
    });
    expect(parseLegacyHandshake(Buffer.from('{"protocol_version":2,"bot_id":"bot-7"}'))).toBeNull();
    expect(parseLegacyHandshake(Buffer.from('{"event":"participant_events.join","data":{}}'))).toBeNull();
    expect(parseLegacyHandshake(Buffer.from('{"protocol_version":1,'))).toBeNull();
  });

  it("decodes participant id, relative time and the PNG", () => {
    const png = createTestPng({ width: 48, height: 20 });
    const result = decodeLegacyFrame(
      legacyFrame(4242, 12_500, png),
      { botId: "bot-7", recordingStartMs: 1_000_000 },
      5,
    );
    expect(result.ok).toBe(true);
    if (!result.ok || result.event.kind !== "video-frame") throw new Error("expected a frame");
    const frame = result.event.frame;
    expect(frame.recording.id).toBe("bot-7");
    expect(frame.bot?.id).toBe("bot-7");
    expect(frame.participant).toMatchObject({ id: 4242, name: null, isHost: false });
    expect(frame.type).toBe("webcam");
    expect(frame.timestamp.relative).toBe(12.5);
    expect(frame.timestamp.absolute.getTime()).toBe(1_012_500);
    expect(frame.image).toMatchObject({ format: "png", width: 48, height: 20 });
    expect(frame.image.data.equals(png)).toBe(true);
    expect(frame.receivedAt).toBe(5);
    expect(Object.isFrozen(frame)).toBe(true);
  });

  it("reports short, non-PNG and truncated frames as problems", () => {
    const stream = { botId: "bot-7", recordingStartMs: 0 };
    const short = decodeLegacyFrame(Buffer.alloc(5), stream);
    expect(!short.ok && short.problem.kind).toBe("unsupported-binary");
    const notPng = decodeLegacyFrame(legacyFrame(1, 0, Buffer.from("GIF89a...")), stream);
    expect(!notPng.ok && notPng.problem.kind).toBe("not-png");
    const truncated = decodeLegacyFrame(legacyFrame(1, 0, createTestPng().subarray(0, 20)), stream);
    expect(!truncated.ok && truncated.problem.kind).toBe("truncated-png");
  });

  it("checks the PNG's chunks and its pixel count as the JSON protocol does", () => {
    const stream = { botId: "bot-7", recordingStartMs: 0 };
    const corrupt = decodeLegacyFrame(legacyFrame(1, 0, pngWithCorruptCrc()), stream);
    expect(!corrupt.ok && corrupt.problem.kind).toBe("corrupt-png");
    const bomb = decodeLegacyFrame(legacyFrame(1, 0, pngClaimingSize(50_000, 50_000)), stream);
    expect(!bomb.ok && bomb.problem.kind).toBe("too-many-pixels");
    const small = legacyFrame(1, 0, createTestPng({ width: 32, height: 24 }));
    expect(decodeLegacyFrame(small, stream, 0, 32 * 24).ok).toBe(true);
    expect(decodeLegacyFrame(small, stream, 0, 32 * 24 - 1)).toMatchObject({
      ok: false,
      problem: { kind: "too-many-pixels", bytes: small.length },
    });
  });
});
