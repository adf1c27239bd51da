import { describe, expect, it } from "vitest";
import { parseEncoderList, placeFrame } from "../src/index.js";

const settings = { fps: 2, maxGap: 10_000, segment: 0 };

describe("placeFrame", () => {
  const clock = { start: 10, nextSlot: 3, lastRelative: 11 };

  it("puts a frame on its slot of the output clock, filling the slots in between", () => {
    expect(placeFrame(clock, 11.5, settings)).toEqual({ kind: "write", fill: 0, slot: 3 });
    expect(placeFrame(clock, 13, settings)).toEqual({ kind: "write", fill: 3, slot: 6 });
    // Arrival jitter does not matter, only the timestamp: 11.6 s rounds to slot 3 as well.
    expect(placeFrame(clock, 11.6, settings)).toEqual({ kind: "write", fill: 0, slot: 3 });
  });

  it("drops late, duplicate, too frequent and timeless frames", () => {
    expect(placeFrame(clock, 10.5, settings)).toEqual({ kind: "drop", reason: "late" });
    expect(placeFrame(clock, 11, settings)).toEqual({ kind: "drop", reason: "duplicate" });
    expect(placeFrame(clock, 11.1, settings)).toEqual({ kind: "drop", reason: "same-slot" });
    expect(placeFrame(clock, Number.NaN, settings)).toEqual({ kind: "drop", reason: "invalid-time" });
  });

  it("starts a new segment after a gap longer than maxGap, or past segment", () => {
    expect(placeFrame(clock, 21.5, settings)).toEqual({ kind: "next-segment", reason: "max-gap" });
    expect(placeFrame(clock, 21, settings)).toEqual({ kind: "write", fill: 19, slot: 22 });
    expect(placeFrame(clock, 12, { ...settings, segment: 2000 })).toEqual({ kind: "next-segment", reason: "segment" });
    expect(placeFrame(clock, 11.5, { ...settings, segment: 2000 })).toEqual({ kind: "write", fill: 0, slot: 3 });
  });
});

describe("parseEncoderList", () => {
  it("reads encoder names from ffmpeg -encoders, skipping the legend", () => {
    const output = [
      "Encoders:",
      " V..... = Video",
      " A..... = Audio",
      " ------",
      " V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC (codec h264)",
      " V....D libvpx-vp9           libvpx VP9 (codec vp9)",
      " A....D aac                  AAC (Advanced Audio Coding)",
    ].join("\n");
    expect([...parseEncoderList(output)]).toEqual(["libx264", "libvpx-vp9", "aac"]);
  });
});
