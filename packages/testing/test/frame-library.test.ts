import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { FrameLibrary } from "../src/frame-library.js";
import { renderFrame } from "../src/realistic-png.js";

describe("FrameLibrary", () => {
  it("serves the same buffer for counters in the same slot and renders each slot once", async () => {
    const library = new FrameLibrary({ framesPerStream: 2 });
    const request = { participantId: 1, type: "webcam" as const };
    const [zero, one, two] = await Promise.all([
      library.png({ ...request, counter: 0 }),
      library.png({ ...request, counter: 1 }),
      library.png({ ...request, counter: 2 }),
    ]);
    expect(two).toBe(zero);
    expect(one.equals(zero)).toBe(false);
    expect(library.size).toBe(2);
  });

  it("serves exactly what renderFrame renders for the slot", async () => {
    const library = new FrameLibrary({ framesPerStream: 3 });
    const cached = await library.png({ participantId: 2, name: "Ada", type: "webcam", counter: 4 });
    const direct = await renderFrame({ participantId: 2, name: "Ada", type: "webcam", counter: 1 });
    expect(cached.equals(direct)).toBe(true);
  });

  it("prepares every slot ahead of time and caches base64 per slot", async () => {
    const library = new FrameLibrary({ framesPerStream: 2, sizes: { screenshare: { width: 320, height: 180 } } });
    await library.prepare([{ participantId: 1 }, { participantId: 2, name: "Bo" }], ["webcam", "screenshare"]);
    expect(library.size).toBe(8);
    const request = { participantId: 2, name: "Bo", type: "screenshare" as const, counter: 3 };
    const base64 = await library.base64(request);
    expect(await library.base64(request)).toBe(base64);
    const png = Buffer.from(base64, "base64");
    expect(await sharp(png).metadata()).toMatchObject({ width: 320, height: 180 });
    library.clear();
    expect(library.size).toBe(0);
  });

  it("renders RGBA frames when configured", async () => {
    const library = new FrameLibrary({ framesPerStream: 1, alpha: true });
    const png = await library.png({ participantId: 3, type: "webcam", counter: 0 });
    expect((await sharp(png).metadata()).channels).toBe(4);
  });

  it("rejects a framesPerStream that is not a positive integer", () => {
    expect(() => new FrameLibrary({ framesPerStream: 0 })).toThrow(RangeError);
  });
});
