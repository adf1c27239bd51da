import { defaultMaxPixels } from "@framepipe/core";
import sharp from "sharp";
import { differenceHash, differenceHashHeight, differenceHashWidth } from "./difference-hash.js";

/** Computes the 64-bit perceptual hash of an encoded image (PNG, JPEG, WebP, AVIF). */
export type PerceptualHasher = (image: Buffer) => Promise<bigint>;

/**
 * The difference hash of an encoded image: sharp decodes it into a 9×8 grayscale thumbnail (on
 * libuv's thread pool, like a resize), then {@link differenceHash} compares neighbouring pixels.
 * Rejects when the bytes are not an image sharp can decode, or claim more than 4096×2304 pixels.
 */
export const perceptualHash: PerceptualHasher = async (image) => {
  // The same pixel limit as ingest and resize: a decompression bomb is refused from its header
  // (and the frame kept unhashed) instead of being decoded to be shrunk to 9×8.
  const { data, info } = await sharp(image, { limitInputPixels: defaultMaxPixels })
    .greyscale()
    // fill: every image maps onto the same 9×8 grid whatever its aspect ratio, so a frame that
    // changes size mid-stream is compared by content, not by letterboxing.
    .resize(differenceHashWidth, differenceHashHeight, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return differenceHash(data, info.channels);
};
