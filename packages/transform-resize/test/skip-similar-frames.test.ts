import type { Logger, VideoFrame } from "@framepipe/core";
import { createTestFrame } from "@framepipe/testing";
import { from, lastValueFrom, toArray } from "rxjs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { hammingDistance } from "../src/difference-hash.js";
import { perceptualHash } from "../src/perceptual-hash.js";
import { skipSimilarFrames } from "../src/skip-similar-frames.js";
import { renderSimilarImages, type SimilarImages, similarImageSize } from "./support/similar-images.js";

function framesWith(images: readonly Buffer[]): VideoFrame[] {
  return images.map((data, seq) => createTestFrame({ seq, image: { data, format: "png", ...similarImageSize } }));
}

async function keptSeqs(frames: readonly VideoFrame[], operator: ReturnType<typeof skipSimilarFrames>) {
  const output = await lastValueFrom(from(frames).pipe(operator, toArray()));
  return output.map((frame) => frame.seq);
}

describe("perceptualHash", () => {
  let images: SimilarImages;
  beforeAll(async () => {
    images = await renderSimilarImages();
  });

  it("gives re-encoded and slightly noisy images nearby hashes, and an inverted one a distant hash", async () => {
    const [gradient, recompressed, noisy, inverted] = await Promise.all([
      perceptualHash(images.gradient),
      perceptualHash(images.gradientRecompressed),
      perceptualHash(images.gradientNoisy),
      perceptualHash(images.inverted),
    ]);
    expect(recompressed).toBe(gradient);
    expect(hammingDistance(noisy, gradient)).toBeLessThanOrEqual(4);
    // Every left/right comparison flips when the picture is inverted.
    expect(hammingDistance(inverted, gradient)).toBe(64);
  });

  it("rejects bytes that are not an image", async () => {
    await expect(perceptualHash(Buffer.from("not an image"))).rejects.toThrow();
  });
});

describe("skipSimilarFrames", () => {
  let images: SimilarImages;
  beforeAll(async () => {
    images = await renderSimilarImages();
  });

  it("keeps frames it cannot decode and warns once", async () => {
    const warn = vi.fn();
    const logger = { warn } as unknown as Logger;
    const frames = framesWith([
      images.gradient,
      Buffer.from("not an image"),
      Buffer.from("still not an image"),
      images.gradient,
    ]);
    expect(await keptSeqs(frames, skipSimilarFrames({ tolerance: 4, logger }))).toEqual([0, 1, 2, 3]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("skips byte-identical frames without hashing them again", async () => {
    const hash = vi.fn(perceptualHash);
    const frames = framesWith([images.gradient, images.gradient, images.gradient, images.inverted]);
    expect(await keptSeqs(frames, skipSimilarFrames({ tolerance: 0, hash }))).toEqual([0, 3]);
    expect(hash).toHaveBeenCalledTimes(2);
  });

  it("hashes one frame at a time, keeping stream order", async () => {
    const a = Buffer.from("image-a");
    const b = Buffer.from("image-b");
    let inFlight = 0;
    let maxInFlight = 0;
    const hash = async (image: Buffer): Promise<bigint> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      inFlight--;
      return image.equals(a) ? 0n : 0xffffn;
    };
    expect(await keptSeqs(framesWith([a, b, a, b]), skipSimilarFrames({ tolerance: 2, hash }))).toEqual([0, 1, 2, 3]);
    expect(maxInFlight).toBe(1);
  });

  it("tells onSkipped of each frame as it skips it", async () => {
    const onSkipped = vi.fn();
    const frames = framesWith([images.gradient, images.gradientNoisy, images.gradientRecompressed, images.inverted]);
    expect(await keptSeqs(frames, skipSimilarFrames({ tolerance: 4, onSkipped }))).toEqual([0, 3]);
    expect(onSkipped).toHaveBeenCalledTimes(2);
  });
});
