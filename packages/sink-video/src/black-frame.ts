import sharp from "sharp";

const cache = new Map<string, Promise<Buffer>>();
const cacheLimit = 32;

/** A black image of the given size in the given format (png, jpeg, webp), made once per size and format. */
export function blackFrame(width: number, height: number, format: string): Promise<Buffer> {
  const key = `${width}x${height}.${format}`;
  let image = cache.get(key);
  if (!image) {
    const create = sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } });
    const encoded =
      format === "jpeg" || format === "jpg" ? create.jpeg() : format === "webp" ? create.webp() : create.png();
    image = encoded.toBuffer();
    if (cache.size >= cacheLimit) cache.clear();
    cache.set(key, image);
    image.catch(() => cache.delete(key));
  }
  return image;
}
