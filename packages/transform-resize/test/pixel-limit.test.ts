import { deflateSync } from "node:zlib";
import { defaultMaxPixels, FramepipeError, isTransientError, type VideoFrame } from "@framepipe/core";
import { createTestContext, createTestFrame, pngChunk, pngClaimingSize } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { createFrameResizer } from "../src/frame-resizer.js";
import { resizeOptionsSchema, resizeTransform } from "../src/index.js";
import { frameOf, quadrantPng } from "./support/images.js";

/** A frame carrying `data`, whose own width and height say 640×360 whatever the PNG claims. */
function frameClaiming640(data: Buffer, seq = 0): VideoFrame {
  return createTestFrame({ seq, image: { data, format: "png", width: 640, height: 360 } });
}

/**
 * A real decompression bomb, small enough to build in a test: 3000×3000 8-bit grey zeros, which
 * deflate to a few KB but decode to 9 MB (sharp's working copies make it more).
 */
function greyBomb(): Buffer {
  const width = 3000;
  const height = 3000;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.alloc((width + 1) * height), { level: 9 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("resize: maxInputPixels", () => {
  it("defaults to ingest's limit, 4096×2304", () => {
    expect(resizeOptionsSchema.parse({ width: 320 }).maxInputPixels).toBe(defaultMaxPixels);
    expect(resizeOptionsSchema.safeParse({ width: 320, maxInputPixels: 0 }).success).toBe(false);
  });

  it("refuses a PNG whose header claims 16383×16383 at once, from its header, whatever the frame says", async () => {
    const resizer = await createFrameResizer({ width: 320, format: "jpeg" }, { component: "transform:resize#thumbs" });
    const started = performance.now();
    const frame = frameClaiming640(pngClaimingSize(16_383, 16_383), 3);
    const failure = await resizer(frame).catch((error) => error);
    const elapsed = performance.now() - started;
    expect(FramepipeError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: "TRANSFORM_FAILED", stage: "transform", transient: false });
    expect(isTransientError(failure)).toBe(false);
    expect((failure as Error).message).toBe(
      `[framepipe] [transform:resize#thumbs] recording ${frame.recording.id}, participant 100 webcam seq 3: ` +
        "the png image has more " +
        "than maxInputPixels (9437184) pixels (its frame says 640×360); refused without decoding",
    );
    expect(((failure as Error).cause as Error).message).toMatch(/exceeds pixel limit/);
    // sharp checks the header before it allocates anything for the pixels.
    expect(elapsed).toBeLessThan(1000);
  });

  it("stops a real bomb that decodes when the limit allows it", async () => {
    const bomb = frameClaiming640(greyBomb());
    expect(bomb.image.data.length).toBeLessThan(64 * 1024);
    const limited = await createFrameResizer({ width: 30, format: "jpeg", maxInputPixels: 3000 * 3000 - 1 });
    await expect(limited(bomb)).rejects.toThrow(/more than maxInputPixels \(8999999\) pixels/);
    const allowed = await createFrameResizer({ width: 30, format: "jpeg", maxInputPixels: 3000 * 3000 });
    expect((await allowed(bomb)).image).toMatchObject({ format: "jpeg", width: 30, height: 30 });
  });

  it("is inclusive: a frame of exactly maxInputPixels is resized", async () => {
    const frame = await frameOf(await quadrantPng({ width: 480, height: 360 }));
    const exact = await createFrameResizer({ width: 48, maxInputPixels: 480 * 360 });
    expect((await exact(frame)).image).toMatchObject({ width: 48, height: 36 });
    const below = await createFrameResizer({ width: 48, maxInputPixels: 480 * 360 - 1 });
    await expect(below(frame)).rejects.toThrow(/more than maxInputPixels \(172799\) pixels/);
  });

  it("applies through the transform a pipeline creates", async () => {
    const transform = await resizeTransform.create(
      resizeOptionsSchema.parse({ width: 160, maxInputPixels: 1000 * 1000 }),
      createTestContext({ kind: "transform", type: "resize", componentId: "thumbs" }),
    );
    await expect(transform.process?.(frameClaiming640(pngClaimingSize(1001, 1000)))).rejects.toThrow(
      /\[transform:resize#thumbs\].*more than maxInputPixels \(1000000\) pixels/,
    );
  });
});
