import { fileURLToPath } from "node:url";
import { from, lastValueFrom, toArray } from "rxjs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { VideoFrame } from "../../src/model/video-frame.js";
import type { Logger } from "../../src/services/logger.js";
import { createSharpHasher, dedupeFrames, dedupeTransform } from "../../src/transforms/dedupe.js";
import { loadSharp, type SharpFactory } from "../../src/transforms/load-sharp.js";
import { makeFrame } from "./support/make-frame.js";
import { makeContext, runStream, runStreamCountingDrops } from "./support/plugin-harness.js";

// sharp is not a dependency of core; in this repository it is installed in packages/testing.
const testingPackage = fileURLToPath(new URL("../../../testing", import.meta.url));
vi.mock("../../src/transforms/load-sharp.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/transforms/load-sharp.js")>();
  return {
    ...original,
    loadSharp: (options: Parameters<typeof original.loadSharp>[0]) =>
      original.loadSharp({ ...options, searchPaths: [testingPackage] }),
  };
});

function framesWith(images: readonly Buffer[]): VideoFrame[] {
  return images.map((data, seq) => makeFrame({ seq, data }));
}

async function kept(input: unknown, images: readonly Buffer[]): Promise<number[]> {
  const instance = await dedupeTransform.create(dedupeTransform.options.parse(input), makeContext());
  const output = await runStream(instance, framesWith(images));
  return output.map((frame) => frame.seq);
}

const a = Buffer.from("image-a");
const b = Buffer.from("image-b");
const longer = Buffer.from("image-a-longer");

describe("dedupe transform, exact mode", () => {
  it("skips a frame whose bytes equal the last kept frame", async () => {
    expect(await kept({}, [a, Buffer.from(a), a, b, b, a, longer, longer])).toEqual([0, 3, 5, 6]);
  });

  it("reports every skipped frame to the runtime as it skips it", async () => {
    const instance = await dedupeTransform.create(dedupeTransform.options.parse({ maxSkip: 2 }), makeContext());
    const run = await runStreamCountingDrops(instance, framesWith([a, a, a, a, b, b, a]));
    expect(run.outputs.map((frame) => frame.seq)).toEqual([0, 3, 4, 6]);
    expect(run.reportedDrops).toBe(3);
  });

  it("keeps a frame after maxSkip identical frames in a row", async () => {
    expect(await kept({ maxSkip: 2 }, [a, a, a, a, a, a, a, b])).toEqual([0, 3, 6, 7]);
    expect(await kept({ maxSkip: 1 }, [a, a, a, b, b])).toEqual([0, 2, 3]);
  });

  it("passes kept frames through as the same frozen objects, unmodified", async () => {
    const instance = await dedupeTransform.create(dedupeTransform.options.parse({}), makeContext());
    const frames = framesWith([a, a, b]);
    const before = frames.map((frame) => Buffer.from(frame.image.data));
    const output = await runStream(instance, frames);
    expect(output).toHaveLength(2);
    expect(output[0]).toBe(frames[0]);
    expect(output[1]).toBe(frames[2]);
    expect(Object.isFrozen(output[1])).toBe(true);
    expect(frames.map((frame) => frame.image.data)).toEqual(before);
  });

  it("keeps separate state per stream subscription", async () => {
    const instance = await dedupeTransform.create(dedupeTransform.options.parse({}), makeContext());
    expect((await runStream(instance, framesWith([a, a]))).map((frame) => frame.seq)).toEqual([0]);
    expect((await runStream(instance, framesWith([a, b]))).map((frame) => frame.seq)).toEqual([0, 1]);
  });

  it("validates its options and describes each one", () => {
    expect(dedupeTransform.options.parse({})).toEqual({ tolerance: 0 });
    expect(dedupeTransform.options.safeParse({ tolerance: 65 }).success).toBe(false);
    expect(dedupeTransform.options.safeParse({ tolerance: 1.5 }).success).toBe(false);
    expect(dedupeTransform.options.safeParse({ maxSkip: 0 }).success).toBe(false);
    expect(dedupeTransform.options.safeParse({ treshold: 3 }).error?.issues[0]?.code).toBe("unrecognized_keys");
    const schema = z.toJSONSchema(dedupeTransform.options, { io: "input" }) as {
      properties: Record<string, { description?: string }>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(["maxSkip", "tolerance"]);
    for (const [key, property] of Object.entries(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
  });
});

describe("dedupe transform, perceptual mode", () => {
  let sharp: SharpFactory;
  let gradient: Buffer;
  let gradientRecompressed: Buffer;
  let gradientNoisy: Buffer;
  let inverted: Buffer;

  async function png(pixel: (x: number, y: number) => number, compressionLevel = 6): Promise<Buffer> {
    const width = 90;
    const height = 60;
    const raw = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) raw.fill(pixel(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
    const encoder = (
      sharp as unknown as (input: Buffer, options: object) => { png(options: object): { toBuffer(): Promise<Buffer> } }
    )(raw, { raw: { width, height, channels: 3 } });
    return encoder.png({ compressionLevel }).toBuffer();
  }

  beforeAll(async () => {
    sharp = await loadSharp({ component: "test", feature: "test" });
    const ramp = (x: number, y: number) => (x * 2 + y) % 256;
    gradient = await png(ramp);
    gradientRecompressed = await png(ramp, 1);
    gradientNoisy = await png((x, y) => ramp(x, y) + ((x * 7 + y * 3) % 2));
    inverted = await png((x, y) => 255 - ramp(x, y));
  });

  it("skips a re-encoded or slightly noisy image and keeps a different one", async () => {
    expect(gradientRecompressed.equals(gradient)).toBe(false);
    expect(gradientNoisy.equals(gradient)).toBe(false);
    const images = [gradient, gradientRecompressed, gradientNoisy, inverted, inverted, gradient];
    expect(await kept({ tolerance: 4 }, images)).toEqual([0, 3, 5]);
    expect(await kept({ tolerance: 0 }, images)).toEqual([0, 1, 2, 3, 5]);
  });

  it("honours maxSkip in perceptual mode", async () => {
    const images = [gradient, gradientNoisy, gradientRecompressed, gradientNoisy, gradient];
    expect(await kept({ tolerance: 4, maxSkip: 2 }, images)).toEqual([0, 3]);
  });

  it("keeps frames it cannot decode and warns once", async () => {
    const warn = vi.fn();
    const logger = { warn } as unknown as Logger;
    const frames = framesWith([gradient, Buffer.from("not an image"), Buffer.from("still not an image"), gradient]);
    const operator = dedupeFrames({ perceptual: { tolerance: 4, hash: createSharpHasher(sharp) }, logger });
    const output = await lastValueFrom(from(frames).pipe(operator, toArray()));
    expect(output.map((frame) => frame.seq)).toEqual([0, 1, 2, 3]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("hashes one frame at a time, keeping stream order", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const hash = async (image: Buffer): Promise<bigint> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      inFlight--;
      return image.equals(a) ? 0n : 0xffffn;
    };
    const output = await lastValueFrom(
      from(framesWith([a, b, a, b])).pipe(dedupeFrames({ perceptual: { tolerance: 2, hash } }), toArray()),
    );
    expect(output.map((frame) => frame.seq)).toEqual([0, 1, 2, 3]);
    expect(maxInFlight).toBe(1);
  });
});
