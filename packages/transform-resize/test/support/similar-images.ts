import sharp from "sharp";

/** PNGs that differ in bytes but not (or only slightly, or entirely) in what they show. */
export interface SimilarImages {
  /** A diagonal grey ramp. */
  readonly gradient: Buffer;
  /** The same pixels as `gradient`, encoded at another zlib level: different bytes. */
  readonly gradientRecompressed: Buffer;
  /** `gradient` with one grey level of noise on half its pixels. */
  readonly gradientNoisy: Buffer;
  /** `gradient` with every pixel inverted: a different picture. */
  readonly inverted: Buffer;
}

const width = 90;
const height = 60;

function png(pixel: (x: number, y: number) => number, compressionLevel = 6): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.fill(pixel(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel })
    .toBuffer();
}

/** Renders the {@link SimilarImages}, 90×60 RGB PNGs. */
export async function renderSimilarImages(): Promise<SimilarImages> {
  const ramp = (x: number, y: number) => (x * 2 + y) % 256;
  const [gradient, gradientRecompressed, gradientNoisy, inverted] = await Promise.all([
    png(ramp),
    png(ramp, 1),
    png((x, y) => ramp(x, y) + ((x * 7 + y * 3) % 2)),
    png((x, y) => 255 - ramp(x, y)),
  ]);
  return { gradient, gradientRecompressed, gradientNoisy, inverted };
}

/** The size of every image of {@link renderSimilarImages}. */
export const similarImageSize = { width, height } as const;

/** Pixels per cell of {@link hashBitsPng}: the hash thumbnail averages each cell into one pixel. */
const cellSize = 10;

/**
 * A 90×80 PNG of 9×8 flat grey cells whose difference hash has exactly `bits` bits set (0-8):
 * every row brightens left to right (no bit set) except the first `bits` rows, whose first cell
 * is brighter than its neighbour. Two of these are `|bits - other|` bits apart, which pins down
 * what a tolerance skips.
 */
export function hashBitsPng(bits: number): Promise<Buffer> {
  const columns = 9;
  const rows = 8;
  const raw = Buffer.alloc(columns * cellSize * rows * cellSize);
  for (let y = 0; y < rows * cellSize; y++) {
    for (let x = 0; x < columns * cellSize; x++) {
      const column = Math.floor(x / cellSize);
      const row = Math.floor(y / cellSize);
      raw[y * columns * cellSize + x] = column === 0 && row < bits ? 250 : 20 + column * 25;
    }
  }
  return sharp(raw, { raw: { width: columns * cellSize, height: rows * cellSize, channels: 1 } })
    .png()
    .toBuffer();
}

/** The size of every image of {@link hashBitsPng}. */
export const hashBitsImageSize = { width: 9 * cellSize, height: 8 * cellSize } as const;
