import { readPngHeader, validatePng } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import {
  createTestPng,
  encodePng,
  FrameLibrary,
  pngClaimingSize,
  pngWithCorruptCrc,
  renderFrame,
} from "../src/index.js";

describe("the kit's PNGs pass ingest's structural check", () => {
  it.each([
    ["a 640×360 webcam", { participantId: 1, width: 640, height: 360 }],
    ["a 1280×720 screenshare", { participantId: 2, type: "screenshare" as const }],
    ["an RGBA webcam", { participantId: 3, alpha: true }],
  ])("renderFrame: %s", async (_name, options) => {
    const png = await renderFrame(options);
    expect(validatePng(png)).toMatchObject({ ok: true });
  });

  it("FrameLibrary (what the simulator sends) and createTestPng (its tiny images)", async () => {
    const library = new FrameLibrary({ framesPerStream: 1 });
    for (const type of ["webcam", "screenshare"] as const) {
      expect(validatePng(await library.png({ participantId: 4, type, counter: 0 }))).toMatchObject({ ok: true });
    }
    expect(validatePng(createTestPng({ seq: 5, alpha: true }))).toMatchObject({ ok: true });
    const pixels = { width: 2, height: 1, channels: 3 as const, data: new Uint8Array(6) };
    expect(validatePng(encodePng(pixels))).toMatchObject({ ok: true, width: 2, height: 1 });
  });
});

describe("hostile PNGs", () => {
  it("pngWithCorruptCrc: a complete PNG with a bad IDAT CRC, refused as corrupt-png", async () => {
    const realistic = pngWithCorruptCrc(await renderFrame({ participantId: 1 }));
    for (const png of [pngWithCorruptCrc(), realistic]) {
      expect(readPngHeader(png)).toMatchObject({ ok: true });
      expect(validatePng(png)).toMatchObject({
        ok: false,
        kind: "corrupt-png",
        message: expect.stringMatching(/IDAT/),
      });
    }
  });

  it("pngClaimingSize: a few hundred bytes claiming 50000×50000, refused as too-many-pixels", () => {
    const bomb = pngClaimingSize(50_000, 50_000);
    expect(bomb.length).toBeLessThan(200);
    expect(readPngHeader(bomb)).toMatchObject({ ok: true, width: 50_000, height: 50_000 });
    expect(validatePng(bomb)).toMatchObject({ ok: false, kind: "too-many-pixels" });
    expect(validatePng(bomb, { maxPixels: 50_000 * 50_000 })).toMatchObject({ ok: true });
  });
});
