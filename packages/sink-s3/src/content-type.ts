import type { ImageFormat } from "@framepipe/core/plugin";

const contentTypes: Readonly<Record<string, string>> = {
  png: "image/png",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
  tiff: "image/tiff",
  heif: "image/heif",
};

/**
 * The `Content-Type` of an object holding an image of `format`: `image/png`, `image/jpeg`,
 * `image/webp`, `image/avif` (and a few other image types), `application/octet-stream` for a
 * format framepipe does not know, so browsers never guess.
 */
export function contentTypeOf(format: ImageFormat): string {
  return contentTypes[String(format).toLowerCase()] ?? "application/octet-stream";
}
