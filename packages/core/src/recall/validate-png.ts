import { checkPngChunks } from "./png-chunks.js";
import { type PngHeader, readPngHeader } from "./png-header.js";

/**
 * Default pixel limit of a frame (width × height): 4096×2304 = 9,437,184 pixels. Far above what
 * Recall sends (1280×720 screenshares), and small enough that decoding one frame stays within
 * tens of megabytes (36 MiB as 8-bit RGBA), where a 16383×16383 header would ask for gigabytes.
 */
export const defaultMaxPixels = 4096 * 2304;

/** Kinds of PNG refused at ingest, a subset of the parse problem kinds. */
export type PngProblemKind = "not-png" | "truncated-png" | "corrupt-png" | "too-many-pixels";

/** Why bytes are not a PNG framepipe accepts. */
export interface PngProblem {
  readonly ok: false;
  /**
   * `not-png`: not a PNG signature; `truncated-png`: the bytes stop before the image ends (or IHDR
   * is invalid); `corrupt-png`: a CRC mismatch or chunks out of order; `too-many-pixels`: IHDR
   * claims more than `maxPixels` pixels.
   */
  readonly kind: PngProblemKind;
  /** One line, safe to log: never includes the bytes. */
  readonly message: string;
}

/** Options of {@link validatePng}. */
export interface ValidatePngOptions {
  /** Largest width × height accepted; default {@link defaultMaxPixels}. */
  readonly maxPixels?: number;
}

/**
 * Checks a PNG the way ingest needs before a frame is passed on, with no decoding: the header
 * (`readPngHeader`), the pixel count against `maxPixels` (a decompression bomb claims a huge
 * image in a few bytes; it is refused before its chunks are even read), then every chunk's
 * bounds, CRC and order (`checkPngChunks`). Returns what IHDR says, or the first problem.
 * Never throws.
 *
 * @example
 * const png = validatePng(bytes, { maxPixels: 1920 * 1080 });
 * if (!png.ok) count(png.kind);
 */
export function validatePng(data: Uint8Array, options: ValidatePngOptions = {}): PngHeader | PngProblem {
  const header = readPngHeader(data);
  if (!header.ok) return header;
  const maxPixels = options.maxPixels ?? defaultMaxPixels;
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    return {
      ok: false,
      kind: "too-many-pixels",
      message: `PNG of ${header.width}x${header.height} (${pixels} pixels) exceeds the maximum of ${maxPixels} pixels`,
    };
  }
  const chunks = checkPngChunks(data, header.colorType);
  return chunks.ok ? header : chunks;
}
