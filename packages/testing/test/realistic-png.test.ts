import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderFrame } from "../src/realistic-png.js";

const kilobyte = 1024;

async function meanAbsoluteDifference(first: Buffer, second: Buffer): Promise<number> {
  const [a, b] = await Promise.all([sharp(first).raw().toBuffer(), sharp(second).raw().toBuffer()]);
  let total = 0;
  for (let index = 0; index < a.length; index += 1) total += Math.abs((a[index] ?? 0) - (b[index] ?? 0));
  return total / a.length;
}

describe("renderFrame", () => {
  it("renders a 480×360 RGB webcam PNG by default, sized like a real camera frame", async () => {
    const png = await renderFrame({ participantId: 1 });
    const metadata = await sharp(png).metadata();
    expect(metadata).toMatchObject({ format: "png", width: 480, height: 360, channels: 3, hasAlpha: false });
    // A flat-colour frame of this size is a few KB: the lower bound proves the noise is there.
    expect(png.length).toBeGreaterThan(150 * kilobyte);
    expect(png.length).toBeLessThan(450 * kilobyte);
  });

  it("renders a 1280×720 screenshare PNG, larger than a webcam frame", async () => {
    const [screen, webcam] = await Promise.all([
      renderFrame({ participantId: 1, type: "screenshare" }),
      renderFrame({ participantId: 1, type: "webcam" }),
    ]);
    const metadata = await sharp(screen).metadata();
    expect(metadata).toMatchObject({ format: "png", width: 1280, height: 720, channels: 3 });
    expect(screen.length).toBeGreaterThan(400 * kilobyte);
    expect(screen.length).toBeLessThan(1536 * kilobyte);
    expect(screen.length).toBeGreaterThan(webcam.length);
  });

  it("is mostly compressible as a screen: far smaller than the raw pixels", async () => {
    const screen = await renderFrame({ participantId: 2, type: "screenshare" });
    expect(screen.length).toBeLessThan((1280 * 720 * 3) / 2);
  });

  it("renders RGBA when asked", async () => {
    const png = await renderFrame({ participantId: 1, alpha: true });
    const metadata = await sharp(png).metadata();
    expect(metadata).toMatchObject({ width: 480, height: 360, channels: 4, hasAlpha: true });
    const stats = await sharp(png).stats();
    expect(stats.channels[3]?.min).toBe(255);
  });

  it("honours a custom size", async () => {
    const png = await renderFrame({ participantId: 3, width: 360, height: 640 });
    expect(await sharp(png).metadata()).toMatchObject({ width: 360, height: 640 });
  });

  it("gives different participants visibly different images", async () => {
    const [first, second] = await Promise.all([
      renderFrame({ participantId: 1, counter: 4 }),
      renderFrame({ participantId: 2, counter: 4 }),
    ]);
    expect(await meanAbsoluteDifference(first, second)).toBeGreaterThan(10);
  });

  it("moves content with the counter", async () => {
    const [first, second] = await Promise.all([
      renderFrame({ participantId: 5, type: "screenshare", counter: 0 }),
      renderFrame({ participantId: 5, type: "screenshare", counter: 6 }),
    ]);
    expect(first.equals(second)).toBe(false);
    expect(await meanAbsoluteDifference(first, second)).toBeGreaterThan(1);
  });

  it("is deterministic for the same inputs", async () => {
    const options = { participantId: 9, name: "Grace Hopper", counter: 17, type: "screenshare" as const };
    const [first, second] = await Promise.all([renderFrame(options), renderFrame(options)]);
    expect(first.equals(second)).toBe(true);
  });

  it("draws names with markup characters and null names without failing", async () => {
    const [marked, nameless] = await Promise.all([
      renderFrame({ participantId: 4, name: `<Zoë & "O'Brien">` }),
      renderFrame({ participantId: 4, name: null }),
    ]);
    expect((await sharp(marked).metadata()).width).toBe(480);
    expect((await sharp(nameless).metadata()).width).toBe(480);
    expect(marked.equals(nameless)).toBe(false);
  });

  it("rejects a size that is not a positive integer", async () => {
    await expect(renderFrame({ participantId: 1, width: 0 })).rejects.toThrow(/positive integer/);
  });
});
