import sharp from "sharp";

/** A colour as sharp takes it: 0-255 channels and alpha from 0 to 1. */
export interface RgbaColour {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly alpha: number;
}

/**
 * Resolves a CSS colour string (or an `{r, g, b, alpha}` object) to channel values with sharp's
 * own colour parser, by painting one pixel: the public API's way to learn what sharp will paint.
 * Done once per transform, so per-frame code can adjust the alpha (JPEG has none).
 */
export async function resolveColour(colour: string | RgbaColour): Promise<RgbaColour> {
  const pixel = await sharp({ create: { width: 1, height: 1, channels: 4, background: colour } })
    .raw()
    .toBuffer();
  return { r: pixel[0] ?? 0, g: pixel[1] ?? 0, b: pixel[2] ?? 0, alpha: (pixel[3] ?? 255) / 255 };
}
