import { createHash } from "node:crypto";

/**
 * A short digest of encoded image bytes. Byte-identical images (a static screen Recall re-sends)
 * are found by digest without decoding; keeping 20 bytes per stream costs less than holding on to
 * the previous image.
 */
export function imageDigest(data: Buffer): string {
  return createHash("sha1").update(data).digest("base64");
}
