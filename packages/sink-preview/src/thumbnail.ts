import type { FrameImage } from "@framepipe/core";
import sharp from "sharp";

/** A JPEG thumbnail and its size. */
export interface Thumbnail {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** Limits of {@link makeThumbnail}. */
export interface ThumbnailSettings {
  readonly maxWidth: number;
  readonly maxHeight: number;
  readonly quality: number;
}

/** True when the frame is a JPEG within the limits already: it is its own thumbnail, at no cost. */
export function usableAsThumbnail(image: FrameImage, settings: ThumbnailSettings): boolean {
  return image.format === "jpeg" && image.width <= settings.maxWidth && image.height <= settings.maxHeight;
}

/**
 * Shrinks a frame to fit `maxWidth × maxHeight` (never enlarging) as a JPEG, with sharp. A frame
 * that is a JPEG within the limits already (after a `resize` transform) is used as it is, at no cost.
 */
export async function makeThumbnail(image: FrameImage, settings: ThumbnailSettings): Promise<Thumbnail> {
  if (usableAsThumbnail(image, settings)) return { data: image.data, width: image.width, height: image.height };
  const { data, info } = await sharp(image.data)
    .resize({ width: settings.maxWidth, height: settings.maxHeight, fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: settings.quality })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
