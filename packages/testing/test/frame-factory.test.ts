import { streamKeyOfFrame } from "@framepipe/core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createTestFrame, createTestPng, createTestStream } from "../src/frame-factory.js";
import { testIds, testRecordingStart } from "../src/test-ids.js";
import { readPngSize } from "../src/tiny-png.js";

describe("createTestPng", () => {
  it("encodes a real PNG of the requested size, RGB or RGBA", async () => {
    expect(await sharp(createTestPng()).metadata()).toMatchObject({
      format: "png",
      width: 32,
      height: 24,
      channels: 3,
    });
    expect(await sharp(createTestPng({ width: 5, height: 3, alpha: true })).metadata()).toMatchObject({
      width: 5,
      height: 3,
      channels: 4,
    });
  });

  it("differs by seq and by participant", () => {
    expect(createTestPng({ seq: 1 }).equals(createTestPng({ seq: 2 }))).toBe(false);
    expect(createTestPng({ participantId: 1 }).equals(createTestPng({ participantId: 2 }))).toBe(false);
    expect(createTestPng({ seq: 3 }).equals(createTestPng({ seq: 3 }))).toBe(true);
  });
});

describe("readPngSize", () => {
  it("reads the IHDR size and refuses non-PNG bytes", () => {
    expect(readPngSize(createTestPng({ width: 640, height: 2 }))).toEqual({ width: 640, height: 2 });
    expect(readPngSize(Buffer.from("not a png at all, certainly not"))).toBeNull();
  });
});

describe("createTestFrame", () => {
  it("builds a frozen frame with the documented defaults", () => {
    const frame = createTestFrame();
    expect(Object.isFrozen(frame)).toBe(true);
    expect(Object.isFrozen(frame.image)).toBe(true);
    expect(Object.isFrozen(frame.participant)).toBe(true);
    expect(frame).toMatchObject({
      recording: { id: testIds.recording, metadata: {} },
      bot: { id: testIds.bot, metadata: {} },
      participant: { id: 100, name: "Participant 100", isHost: false, platform: "desktop", email: null, extraData: {} },
      type: "webcam",
      seq: 0,
      timestamp: { relative: 0, absolute: testRecordingStart },
      image: { format: "png", width: 32, height: 24 },
    });
    expect(typeof frame.receivedAt).toBe("number");
  });

  it("merges overrides and reads the size of a given PNG", () => {
    const data = createTestPng({ width: 64, height: 48 });
    const frame = createTestFrame({
      recording: { id: "rec-1" },
      bot: null,
      participant: { id: 7, name: null },
      type: "screenshare",
      seq: 4,
      image: { data },
    });
    expect(frame.recording).toEqual({ id: "rec-1", metadata: {} });
    expect(frame.bot).toBeNull();
    expect(frame.participant).toMatchObject({ id: 7, name: null, platform: "desktop" });
    expect(frame.timestamp.relative).toBe(2);
    expect(frame.image).toEqual({ data, format: "png", width: 64, height: 48 });
  });

  it("requires a size for image data that is not a PNG", () => {
    expect(() => createTestFrame({ image: { data: Buffer.from("jpeg-ish"), format: "jpeg" } })).toThrow(/width/);
    expect(
      createTestFrame({ image: { data: Buffer.from("x"), format: "jpeg", width: 2, height: 1 } }).image.width,
    ).toBe(2);
  });
});

describe("createTestStream", () => {
  it("interleaves streams in capture order with seq counted per stream", () => {
    const frames = createTestStream({ participants: 2, types: ["webcam", "screenshare"], frames: 3 });
    expect(frames).toHaveLength(12);
    const seqs = new Map<string, number[]>();
    for (const frame of frames)
      seqs.set(streamKeyOfFrame(frame), [...(seqs.get(streamKeyOfFrame(frame)) ?? []), frame.seq]);
    expect([...seqs.values()]).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(frames.slice(0, 4).map((frame) => [frame.participant.id, frame.type, frame.seq])).toEqual([
      [100, "webcam", 0],
      [100, "screenshare", 0],
      [101, "webcam", 0],
      [101, "screenshare", 0],
    ]);
  });

  it("takes explicit participants and shared overrides", () => {
    const frames = createTestStream({
      participants: [{ id: 5, name: "Ada" }, { name: "Anonymous" }],
      frames: 1,
      base: { recording: { id: "rec-2" } },
    });
    expect(frames.map((frame) => [frame.recording.id, frame.participant.id, frame.participant.name])).toEqual([
      ["rec-2", 5, "Ada"],
      ["rec-2", 101, "Anonymous"],
    ]);
  });
});
