import type { VideoFrame } from "@framepipe/core";
import { createTestFrame, type TestFrameOverrides } from "@framepipe/testing";
import sharp from "sharp";

/** RGB colours of the four quadrants of {@link quadrantPng}: top-left, top-right, bottom-left, bottom-right. */
export const quadrantColours = {
  topLeft: [255, 0, 0],
  topRight: [0, 255, 0],
  bottomLeft: [0, 0, 255],
  bottomRight: [255, 255, 255],
} as const;

/** Options of {@link quadrantPng}. */
export interface QuadrantOptions {
  readonly width: number;
  readonly height: number;
  /** RGBA (opaque) instead of RGB. */
  readonly alpha?: boolean;
}

/**
 * A PNG split into four flat quadrants (red, green, blue, white): where each colour lands in the
 * output shows what a crop, fit or position kept.
 */
export function quadrantPng(options: QuadrantOptions): Promise<Buffer> {
  const channels = options.alpha ? 4 : 3;
  const pixels = Buffer.alloc(options.width * options.height * channels);
  for (let y = 0; y < options.height; y += 1) {
    for (let x = 0; x < options.width; x += 1) {
      const right = x >= options.width / 2;
      const bottom = y >= options.height / 2;
      const colour = bottom
        ? right
          ? quadrantColours.bottomRight
          : quadrantColours.bottomLeft
        : right
          ? quadrantColours.topRight
          : quadrantColours.topLeft;
      const offset = (y * options.width + x) * channels;
      pixels.set(colour, offset);
      if (channels === 4) pixels[offset + 3] = 255;
    }
  }
  return sharp(pixels, { raw: { width: options.width, height: options.height, channels } })
    .png()
    .toBuffer();
}

/** A frame carrying `data` as its image (a PNG unless `format` says otherwise). */
export async function frameOf(
  data: Buffer,
  overrides: TestFrameOverrides = {},
  format: VideoFrame["image"]["format"] = "png",
): Promise<VideoFrame> {
  const metadata = await sharp(data).metadata();
  return createTestFrame({ ...overrides, image: { data, format, width: metadata.width, height: metadata.height } });
}

/** Decoded pixels of an encoded image, with a per-pixel accessor. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Buffer;
  pixel(x: number, y: number): number[];
}

/** Decodes an encoded image to raw pixels with sharp, keeping its channel count. */
export async function decode(encoded: Buffer): Promise<DecodedImage> {
  const { data, info } = await sharp(encoded).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data,
    pixel(x, y) {
      const offset = (y * info.width + x) * info.channels;
      return [...data.subarray(offset, offset + info.channels)];
    },
  };
}

/** True when every channel of `actual` is within `tolerance` of `expected` (lossy codecs blur edges). */
export function near(actual: readonly number[], expected: readonly number[], tolerance = 8): boolean {
  return (
    actual.length >= expected.length &&
    expected.every((value, index) => Math.abs((actual[index] ?? -1) - value) <= tolerance)
  );
}
