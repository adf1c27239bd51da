import { encodePng } from "@framepipe/testing";

/**
 * An RGBA PNG of pseudo-random pixels: noise does not compress, so the file is about
 * `width × height × 4` bytes, which makes message sizes predictable (a 1600×1500 frame is ~9 MiB
 * of PNG, ~12 MiB once base64-encoded in a Recall message). Same seed, same bytes.
 */
export function noisePng(width: number, height: number, seed = 1): Buffer {
  const data = new Uint8Array(width * height * 4);
  // xorshift32: fast, deterministic, and good enough to defeat deflate.
  let state = seed >>> 0 || 1;
  const words = new Uint32Array(data.buffer, 0, Math.floor(data.length / 4));
  for (let index = 0; index < words.length; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[index] = state >>> 0;
  }
  return encodePng({ width, height, channels: 4, data });
}
