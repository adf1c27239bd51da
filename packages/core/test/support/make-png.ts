import { crc32, deflateSync } from "node:zlib";

/** Options for {@link makePng}. */
export interface MakePngOptions {
  readonly width: number;
  readonly height: number;
  /** `rgb` (colour type 2) or `rgba` (colour type 6). Default `rgb`. */
  readonly channels?: "rgb" | "rgba";
  /** Seeds the pixel noise, so each call site gets stable but distinct bytes. Default 1. */
  readonly seed?: number;
  /** Share of noisy pixels, 0–1: more noise, bigger file. Default 0.5. */
  readonly noise?: number;
}

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A real, decodable 8-bit PNG (signature, IHDR, one IDAT, IEND, correct CRCs) made with node:zlib
 * only, since core has no image library. A gradient plus seeded noise keeps files from shrinking
 * to nothing, so a few hundred pixels give a few KB.
 */
export function makePng(options: MakePngOptions): Buffer {
  const channels = options.channels === "rgba" ? 4 : 3;
  const random = seededRandom(options.seed ?? 1);
  const noise = options.noise ?? 0.5;
  const stride = options.width * channels + 1;
  const pixels = Buffer.alloc(stride * options.height);
  for (let y = 0; y < options.height; y++) {
    pixels[y * stride] = 0; // filter type "None"
    for (let x = 0; x < options.width; x++) {
      const offset = y * stride + 1 + x * channels;
      const noisy = random() < noise;
      pixels[offset] = noisy ? Math.floor(random() * 256) : (x * 4) & 0xff;
      pixels[offset + 1] = noisy ? Math.floor(random() * 256) : (y * 4) & 0xff;
      pixels[offset + 2] = ((x + y) * 2) & 0xff;
      if (channels === 4) pixels[offset + 3] = 128 + (x % 128);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(options.width, 0);
  header.writeUInt32BE(options.height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 4 ? 6 : 2;
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** One PNG chunk: length, type, data and the CRC of type + data. */
export function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** mulberry32: tiny, deterministic, good enough for test pixels. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
