import { withSeq } from "@framepipe/core";
import { createTestFrame } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import {
  decodeMessage,
  FrameMessageError,
  frameHeaders,
  frameMessageId,
  groupEndHeaders,
  Header,
  partitionOf,
  streamEndHeaders,
  streamSubject,
} from "../src/frame-message.js";

const frame = createTestFrame({
  recording: { id: "rec.with dots", metadata: { team: "Zoë & co", "a b": "1" } },
  bot: { id: "bot-1", metadata: { env: "test" } },
  participant: {
    id: 7,
    name: "Zoë\r\nInjected: header",
    isHost: true,
    email: "z@example.com",
    extraData: { zoom: { id: 1 } },
  },
  type: "screenshare",
  seq: 42,
  timestamp: { relative: 21.125 },
});

describe("frame messages", () => {
  it("carry every field of the frame, and decode to the same frame", () => {
    const headers = frameHeaders(frame);
    expect(headers.get(Header.participantId)).toBe("7");
    expect(headers.get(Header.seq)).toBe("42");
    expect(headers.get(Header.type)).toBe("screenshare");
    expect(headers.get(Header.imageWidth)).toBe(String(frame.image.width));
    // Header values stay one line of ASCII whatever the name holds.
    for (const [, values] of headers) for (const value of values) expect(value).toMatch(/^[\x20-\x7e]*$/);
    const decoded = decodeMessage(headers, frame.image.data, 123);
    expect(decoded.kind).toBe("frame");
    if (decoded.kind !== "frame") return;
    // The ingest node's number travels with the frame, for the worker's ingest to keep.
    expect(decoded.frame.seq).toBe(42);
    const rebuilt = withSeq(decoded.frame, decoded.frame.seq);
    expect({ ...rebuilt, receivedAt: frame.receivedAt }).toEqual(frame);
    expect(rebuilt.image.data.equals(frame.image.data)).toBe(true);
  });

  it("keep a frame without a bot or a name", () => {
    const bare = createTestFrame({ bot: null, participant: { name: null } });
    const decoded = decodeMessage(frameHeaders(bare), bare.image.data, 0);
    expect(decoded.kind === "frame" && decoded.frame.bot).toBeNull();
    expect(decoded.kind === "frame" && decoded.frame.participant.name).toBeNull();
  });

  it("have a message id that is stable per frame and distinct per stream, seq and capture time", () => {
    expect(frameMessageId(frame)).toBe(frameMessageId({ ...frame }));
    const ids = new Set([
      frameMessageId(frame),
      frameMessageId({ ...frame, seq: 43 }),
      frameMessageId({ ...frame, type: "webcam" }),
      frameMessageId({ ...frame, participant: { ...frame.participant, id: 8 } }),
      frameMessageId({ ...frame, recording: { ...frame.recording, id: "rec_with dots" } }),
      frameMessageId({ ...frame, timestamp: { ...frame.timestamp, relative: 0 } }),
    ]);
    expect(ids.size).toBe(6);
  });

  it("put a stream on one subject, with unsafe ids made safe", () => {
    const one = { prefix: "framepipe.frames", partitions: 1 };
    expect(streamSubject(one, "rec_1", 7, "webcam")).toBe("framepipe.frames.0.rec_1.7.webcam");
    expect(streamSubject({ prefix: "p", partitions: 1 }, frame.recording.id, 7, "webcam")).toMatch(
      /^p\.0\.rec_with_dots~[0-9a-f]{8}\.7\.webcam$/,
    );
  });

  it("spread participants over partitions, each participant whole in one", () => {
    const scheme = { prefix: "f", partitions: 8 };
    const used = new Set<number>();
    for (let participant = 0; participant < 200; participant += 1) {
      const partition = partitionOf("rec", participant, 8);
      used.add(partition);
      expect(streamSubject(scheme, "rec", participant, "webcam")).toBe(`f.${partition}.rec.${participant}.webcam`);
      expect(streamSubject(scheme, "rec", participant, "screenshare")).toBe(
        `f.${partition}.rec.${participant}.screenshare`,
      );
    }
    expect(used.size).toBe(8);
    expect(partitionOf("rec", 5, 1)).toBe(0);
  });

  it("decode end markers", () => {
    const stream = { key: "k", groupKey: "g", recordingId: "r.1", participantId: 3, type: "webcam" as const };
    expect(decodeMessage(streamEndHeaders(stream), new Uint8Array(0), 0)).toEqual({
      kind: "stream-end",
      recordingId: "r.1",
      participantId: 3,
      type: "webcam",
    });
    const group = { key: "g", recordingId: "r.1", participantId: 3, reason: "leave" as const };
    expect(decodeMessage(groupEndHeaders(group), new Uint8Array(0), 0)).toEqual({
      kind: "group-end",
      recordingId: "r.1",
      participantId: 3,
      reason: "leave",
    });
  });

  it("reject foreign messages", () => {
    expect(() => decodeMessage(undefined, new Uint8Array(0), 0)).toThrow(FrameMessageError);
    const headers = frameHeaders(frame);
    headers.set(Header.version, "9");
    expect(() => decodeMessage(headers, new Uint8Array(0), 0)).toThrow(/unsupported/);
  });

  it("reject a frame whose seq is not a stream position", () => {
    const headers = frameHeaders(frame);
    headers.set(Header.seq, "-1");
    expect(() => decodeMessage(headers, frame.image.data, 0)).toThrow(/Framepipe-Seq: expected a stream position/);
  });
});
