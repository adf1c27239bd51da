import { deflateSync } from "node:zlib";

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: big-endian length, type, data, and the CRC of type + data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Pixels for {@link encodePng}: 8-bit RGB or RGBA, row-major, no padding. */
export interface PngPixels {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Uint8Array;
}

/**
 * Encodes pixels as a PNG, synchronously and without sharp. For small test images (a frame
 * factory must work in synchronous code); use {@link renderFrame} for realistic frames.
 */
export function encodePng(pixels: PngPixels): Buffer {
  const { width, height, channels, data } = pixels;
  if (data.length !== width * height * channels) {
    throw new RangeError(`[framepipe] encodePng expected ${width * height * channels} bytes, got ${data.length}`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 4 ? 6 : 2;
  const stride = width * channels;
  const scanlines = Buffer.alloc((stride + 1) * height);
  for (let row = 0; row < height; row += 1) {
    // Filter byte 0 (None) leads every row.
    scanlines.set(data.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
  }
  return Buffer.concat([
    signature,
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(scanlines)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * A copy of `png` grown by `padding` inside a private ancillary chunk (`zzZz`, which decoders
 * skip) just before IEND: a valid PNG of a chosen size, for size limits and memory tests. Bytes
 * appended after IEND instead would make a PNG framepipe refuses as corrupt.
 */
export function padPng(png: Buffer, padding: Buffer): Buffer {
  const iendLength = 12;
  return Buffer.concat([
    png.subarray(0, png.length - iendLength),
    pngChunk("zzZz", padding),
    png.subarray(png.length - iendLength),
  ]);
}

/** Width and height from a PNG's IHDR (bytes 16–23), or null when `data` is not a PNG. */
export function readPngSize(data: Uint8Array): { width: number; height: number } | null {
  if (data.length < 24 || !signature.equals(Buffer.from(data.subarray(0, 8)))) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
