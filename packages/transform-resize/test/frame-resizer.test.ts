import { FramepipeError, type VideoFrame } from "@framepipe/core";
import { renderFrame } from "@framepipe/testing";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { createFrameResizer } from "../src/frame-resizer.js";
import type { ResizeOptionsInput } from "../src/resize-options.js";
import { decode, frameOf, near, quadrantColours, quadrantPng } from "./support/images.js";

async function resize(frame: VideoFrame, options: ResizeOptionsInput): Promise<VideoFrame> {
  const resizer = await createFrameResizer(options, { component: "transform:resize#test" });
  return resizer(frame);
}

/** The output's header, as a decoder sees it. */
async function encodedSize(frame: VideoFrame) {
  const metadata = await sharp(frame.image.data).metadata();
  return { width: metadata.width, height: metadata.height };
}

let quadrants: VideoFrame;
let quadrantsWithAlpha: VideoFrame;

beforeAll(async () => {
  quadrants = await frameOf(await quadrantPng({ width: 480, height: 360 }));
  quadrantsWithAlpha = await frameOf(await quadrantPng({ width: 480, height: 360, alpha: true }));
});

describe("fit", () => {
  it.each([
    { fit: "cover", width: 320, height: 320 },
    { fit: "contain", width: 320, height: 320 },
    { fit: "inside", width: 320, height: 240 },
    { fit: "outside", width: 427, height: 320 },
    { fit: "fill", width: 320, height: 320 },
  ] as const)("$fit puts a 480×360 frame into a 320×320 box as $width×$height", async (expected) => {
    const output = await resize(quadrants, { width: 320, height: 320, fit: expected.fit, format: "png" });
    expect(output.image).toMatchObject({ format: "png", width: expected.width, height: expected.height });
    expect(await encodedSize(output)).toEqual({ width: expected.width, height: expected.height });
  });

  it("defaults to inside: a 4:3 webcam into 320×180 keeps its aspect ratio uncropped", async () => {
    const output = await resize(quadrants, { width: 320, height: 180 });
    expect(output.image).toMatchObject({ width: 240, height: 180 });
    const image = await decode(output.image.data);
    expect(near(image.pixel(0, 0), quadrantColours.topLeft)).toBe(true);
    expect(near(image.pixel(239, 179), quadrantColours.bottomRight)).toBe(true);
  });

  it("cover with position keeps the chosen side", async () => {
    // 480×360 scaled to 133×100 to cover a 40×100 box: a 40-column slice of it is kept.
    const left = await decode(
      (await resize(quadrants, { width: 40, height: 100, fit: "cover", position: "left" })).image.data,
    );
    expect(near(left.pixel(0, 0), quadrantColours.topLeft)).toBe(true);
    expect(near(left.pixel(39, 0), quadrantColours.topLeft)).toBe(true);
    const right = await decode(
      (await resize(quadrants, { width: 40, height: 100, fit: "cover", position: "right" })).image.data,
    );
    expect(near(right.pixel(0, 0), quadrantColours.topRight)).toBe(true);
    expect(near(right.pixel(39, 99), quadrantColours.bottomRight)).toBe(true);
  });
});

describe("aspect ratio", () => {
  it("follows from width alone on a realistic 1280×720 screenshare", async () => {
    const png = await renderFrame({ participantId: 7, type: "screenshare", counter: 1 });
    const frame = await frameOf(png, { type: "screenshare" });
    const output = await resize(frame, { width: 640, format: "jpeg" });
    expect(output.image).toMatchObject({ format: "jpeg", width: 640, height: 360 });
    expect(await encodedSize(output)).toEqual({ width: 640, height: 360 });
  });

  it("follows from height alone on a realistic 480×360 webcam", async () => {
    const frame = await frameOf(await renderFrame({ participantId: 7, counter: 2 }));
    const output = await resize(frame, { height: 180 });
    expect(output.image).toMatchObject({ format: "png", width: 240, height: 180 });
  });
});

describe("grayscale", () => {
  it("stores one channel in a PNG whose decoded colours all have R = G = B", async () => {
    const frame = await frameOf(await renderFrame({ participantId: 3, counter: 1 }));
    const output = await resize(frame, { width: 160, grayscale: true });
    expect((await sharp(output.image.data).metadata()).channels).toBe(1);
    const { data, info } = await sharp(output.image.data)
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    let coloured = 0;
    for (let offset = 0; offset < data.length; offset += 3) {
      if (data[offset] !== data[offset + 1] || data[offset] !== data[offset + 2]) coloured += 1;
    }
    expect(coloured).toBe(0);
    // The source is a colourful scene: grayscale is not just a flat image.
    expect(new Set(data).size).toBeGreaterThan(32);
  });

  it("keeps the alpha channel of an RGBA frame and writes one-channel JPEGs", async () => {
    const png = await resize(quadrantsWithAlpha, { width: 80, grayscale: true });
    expect((await sharp(png.image.data).metadata()).channels).toBe(2);
    const jpeg = await resize(quadrants, { width: 80, grayscale: true, format: "jpeg" });
    expect((await sharp(jpeg.image.data).metadata()).channels).toBe(1);
  });
});

describe("crop", () => {
  it("cuts the region before resizing", async () => {
    const output = await resize(quadrants, { crop: { left: 240, top: 180, width: 240, height: 180 }, width: 60 });
    expect(output.image).toMatchObject({ width: 60, height: 45 });
    const image = await decode(output.image.data);
    for (const [x, y] of [
      [0, 0],
      [59, 44],
      [30, 22],
    ] as const) {
      expect(near(image.pixel(x, y), quadrantColours.bottomRight)).toBe(true);
    }
  });

  it("works alone, keeping the region's size", async () => {
    const output = await resize(quadrants, { crop: { left: 0, top: 0, width: 100, height: 50 } });
    expect(output.image).toMatchObject({ format: "png", width: 100, height: 50 });
    expect(near((await decode(output.image.data)).pixel(99, 49), quadrantColours.topLeft)).toBe(true);
  });

  it("fails a frame the region does not fit in, naming the frame size", async () => {
    const small = await frameOf(await quadrantPng({ width: 200, height: 100 }), { seq: 4 });
    const resizer = await createFrameResizer(
      { crop: { left: 150, top: 0, width: 100, height: 50 } },
      { component: "transform:resize#crops" },
    );
    const failure = await resizer(small).catch((error: unknown) => error);
    expect(FramepipeError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({
      code: "TRANSFORM_FAILED",
      stage: "transform",
      component: "transform:resize#crops",
    });
    expect((failure as Error).message).toContain("does not fit in the 200×100 frame");
    expect((failure as Error).message).toContain("participant 100 webcam seq 4");
    // The same resizer still handles frames the region fits in.
    expect((await resizer(quadrants)).image).toMatchObject({ width: 100, height: 50 });
  });
});

describe("alpha", () => {
  it("contain pads an RGBA frame with the background colour and alpha", async () => {
    const output = await resize(quadrantsWithAlpha, {
      width: 480,
      height: 480,
      fit: "contain",
      background: "rgba(255, 0, 255, 0.5)",
    });
    expect(output.image).toMatchObject({ format: "png", width: 480, height: 480 });
    const image = await decode(output.image.data);
    expect(image.channels).toBe(4);
    // 360 rows of image centred in 480: 60 rows of padding above and below.
    expect(image.pixel(10, 10)).toEqual([255, 0, 255, 128]);
    expect(image.pixel(470, 475)).toEqual([255, 0, 255, 128]);
    expect(image.pixel(10, 70)).toEqual([...quadrantColours.topLeft, 255]);
    expect(image.pixel(470, 410)).toEqual([...quadrantColours.bottomRight, 255]);
  });

  it("adds an alpha channel to an RGB frame for a transparent background", async () => {
    const output = await resize(quadrants, {
      width: 200,
      height: 200,
      fit: "contain",
      background: { r: 0, g: 0, b: 0, alpha: 0 },
      format: "webp",
    });
    const image = await decode(output.image.data);
    expect(image.channels).toBe(4);
    expect(image.pixel(100, 2)?.[3]).toBe(0);
    expect(image.pixel(100, 100)?.[3]).toBe(255);
  });

  it("paints JPEG padding with the opaque background colour", async () => {
    const output = await resize(quadrantsWithAlpha, {
      width: 480,
      height: 480,
      fit: "contain",
      background: "rgba(255, 255, 0, 0)",
      format: "jpeg",
    });
    const image = await decode(output.image.data);
    expect(image.channels).toBe(3);
    expect(near(image.pixel(240, 5), [255, 255, 0])).toBe(true);
  });
});

describe("formats", () => {
  it.each([
    { format: "jpeg", decoded: "jpeg" },
    { format: "webp", decoded: "webp" },
    { format: "avif", decoded: "heif" },
    { format: "png", decoded: "png" },
  ] as const)("$format output decodes back as $format", async ({ format, decoded }) => {
    const output = await resize(quadrantsWithAlpha, { width: 120, height: 90, format });
    const metadata = await sharp(output.image.data).metadata();
    expect(output.image).toMatchObject({ format, width: 120, height: 90 });
    expect(metadata).toMatchObject({ format: decoded, width: 120, height: 90 });
    if (format === "avif") expect(metadata.compression).toBe("av1");
    const image = await decode(output.image.data);
    expect(near(image.pixel(10, 10), quadrantColours.topLeft, 24)).toBe(true);
    expect(near(image.pixel(110, 80), quadrantColours.bottomRight, 24)).toBe(true);
  });

  it("same keeps each frame's input format", async () => {
    const jpegInput = await sharp(await quadrantPng({ width: 480, height: 360 }))
      .jpeg()
      .toBuffer();
    const jpegFrame = await frameOf(jpegInput, {}, "jpeg");
    const fromJpeg = await resize(jpegFrame, { width: 96 });
    expect(fromJpeg.image.format).toBe("jpeg");
    expect((await sharp(fromJpeg.image.data).metadata()).format).toBe("jpeg");
    const fromPng = await resize(quadrants, { width: 96 });
    expect(fromPng.image.format).toBe("png");
    expect((await sharp(fromPng.image.data).metadata()).format).toBe("png");
  });

  it("encodes AVIF at effort 0 unless told otherwise, and WebP at most at effort 6 with format same", async () => {
    const frame = await frameOf(await renderFrame({ participantId: 6, counter: 1, width: 160, height: 120 }));
    const atEffort = (effort: number) => sharp(frame.image.data).resize({ width: 80 }).avif({ effort }).toBuffer();
    const byDefault = await resize(frame, { width: 80, format: "avif" });
    expect(byDefault.image.data.equals(await atEffort(0))).toBe(true);
    const harder = await resize(frame, { width: 80, format: "avif", effort: 3 });
    expect(harder.image.data.equals(await atEffort(3))).toBe(true);
    expect(harder.image.data.equals(byDefault.image.data)).toBe(false);
    const webp = await frameOf(await sharp(frame.image.data).webp().toBuffer(), {}, "webp");
    const capped = await resize(webp, { width: 80, effort: 9 });
    const expected = await sharp(webp.image.data).resize({ width: 80 }).webp({ effort: 6 }).toBuffer();
    expect(capped.image).toMatchObject({ format: "webp", width: 80 });
    expect(capped.image.data.equals(expected)).toBe(true);
  });

  it("quality and compressionLevel change the encoded size", async () => {
    const frame = await frameOf(await renderFrame({ participantId: 5, counter: 4 }));
    const low = await resize(frame, { width: 320, format: "jpeg", quality: 30 });
    const high = await resize(frame, { width: 320, format: "jpeg", quality: 95 });
    expect(low.image.data.length).toBeLessThan(high.image.data.length);
    const stored = await resize(frame, { width: 320, format: "png", compressionLevel: 0 });
    const squeezed = await resize(frame, { width: 320, format: "png", compressionLevel: 9 });
    expect(squeezed.image.data.length).toBeLessThan(stored.image.data.length);
  });
});

describe("withoutEnlargement", () => {
  it("keeps a smaller frame's size by default and enlarges it when false", async () => {
    const kept = await resize(quadrants, { width: 960 });
    expect(kept.image).toMatchObject({ width: 480, height: 360 });
    const enlarged = await resize(quadrants, { width: 960, withoutEnlargement: false });
    expect(enlarged.image).toMatchObject({ width: 960, height: 720 });
    expect(await encodedSize(enlarged)).toEqual({ width: 960, height: 720 });
  });
});

describe("metadata", () => {
  it("strips metadata by default and keeps it with keepMetadata", async () => {
    const tagged = await sharp(await quadrantPng({ width: 64, height: 48 }))
      .withIccProfile("p3")
      .png()
      .toBuffer();
    const frame = await frameOf(tagged);
    expect((await sharp(frame.image.data).metadata()).icc).toBeDefined();
    const stripped = await resize(frame, { width: 32 });
    expect((await sharp(stripped.image.data).metadata()).icc).toBeUndefined();
    const kept = await resize(frame, { width: 32, keepMetadata: true });
    expect((await sharp(kept.image.data).metadata()).icc).toBeDefined();
  });
});

describe("frames", () => {
  it("keeps every other field, freezes the output and leaves the input buffer alone", async () => {
    const frame = await frameOf(await quadrantPng({ width: 480, height: 360 }), {
      participant: { id: 42, name: "Ada" },
      type: "screenshare",
      seq: 9,
      receivedAt: 1234.5,
    });
    const before = Buffer.from(frame.image.data);
    const output = await resize(frame, { width: 64, format: "webp" });
    const { image: _outputImage, ...outputRest } = output;
    const { image: _inputImage, ...inputRest } = frame;
    expect(outputRest).toEqual(inputRest);
    expect(Object.isFrozen(output) && Object.isFrozen(output.image)).toBe(true);
    expect(output.image.data).not.toBe(frame.image.data);
    expect(frame.image.data.equals(before)).toBe(true);
    expect(frame.image).toMatchObject({ format: "png", width: 480, height: 360 });
  });

  it("follows a frame size that changes mid-stream", async () => {
    const resizer = await createFrameResizer({ width: 320, format: "jpeg" });
    const sizes = [
      [480, 360],
      [1280, 720],
      [640, 480],
      [480, 360],
    ] as const;
    const outputs: VideoFrame[] = [];
    for (const [seq, [width, height]] of sizes.entries()) {
      outputs.push(await resizer(await frameOf(await quadrantPng({ width, height }), { seq })));
    }
    expect(outputs.map((output) => [output.seq, output.image.width, output.image.height])).toEqual([
      [0, 320, 240],
      [1, 320, 180],
      [2, 320, 240],
      [3, 320, 240],
    ]);
  });

  it("handles RGB and RGBA realistic webcam frames", async () => {
    const resizer = await createFrameResizer({ width: 320, height: 180, fit: "cover", format: "jpeg" });
    for (const alpha of [false, true]) {
      const png = await renderFrame({ participantId: 11, counter: 1, alpha });
      expect((await sharp(png).metadata()).channels).toBe(alpha ? 4 : 3);
      const output = await resizer(await frameOf(png));
      expect(output.image).toMatchObject({ format: "jpeg", width: 320, height: 180 });
      expect(await encodedSize(output)).toEqual({ width: 320, height: 180 });
    }
  });
});

describe("options in code", () => {
  it("rejects invalid options with INVALID_ARGUMENT", async () => {
    const failure = await createFrameResizer({ width: 0, quality: 101 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "INVALID_ARGUMENT", stage: "create" });
    expect((failure as Error).message).toContain("width:");
    expect((failure as Error).message).toContain("quality:");
  });
});
