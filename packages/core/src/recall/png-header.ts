/** What the IHDR chunk of a PNG says about the image, read without decoding it. */
export interface PngHeader {
  readonly ok: true;
  readonly width: number;
  readonly height: number;
  /** 1, 2, 4, 8 or 16. */
  readonly bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  readonly colorType: number;
}

/** Why bytes are not a readable PNG. */
export interface PngHeaderProblem {
  readonly ok: false;
  /** `not-png`: the signature is wrong; `truncated-png`: the signature is right but IHDR is missing or invalid. */
  readonly kind: "not-png" | "truncated-png";
  /** One line, safe to log: never includes the bytes. */
  readonly message: string;
}

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Signature (8) + IHDR length (4) + type (4) + data (13) + CRC (4).
const minimumLength = 33;
const maximumDimension = 0x7fffffff;
// PNG specification, table 11.1: allowed bit depths per colour type.
const allowedBitDepths: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/**
 * Reads width, height, bit depth and colour type from a PNG's IHDR chunk (bytes 8–32), with no
 * decoding. Checks the 8-byte signature, then that IHDR follows it with length 13, non-zero
 * dimensions of at most 2^31 - 1 and a valid colour type / bit depth pair. Never throws.
 *
 * @example
 * const header = readPngHeader(bytes);
 * if (header.ok) console.log(header.width, header.height);
 */
export function readPngHeader(data: Uint8Array): PngHeader | PngHeaderProblem {
  if (!hasSignature(data)) {
    // A short buffer that starts like a PNG was cut off, not something else.
    if (data.length > 0 && data.length < signature.length && isSignaturePrefix(data)) {
      return problem("truncated-png", `PNG cut off after ${data.length} bytes, inside the signature`);
    }
    return problem("not-png", data.length === 0 ? "image is empty" : "image does not start with the PNG signature");
  }
  if (data.length < minimumLength) {
    return problem("truncated-png", `PNG cut off after ${data.length} bytes, before the end of IHDR`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const chunkLength = view.getUint32(8);
  const isIhdr = data[12] === 0x49 && data[13] === 0x48 && data[14] === 0x44 && data[15] === 0x52;
  if (!isIhdr || chunkLength !== 13) {
    return problem("truncated-png", "PNG signature is not followed by a 13-byte IHDR chunk");
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0 || width > maximumDimension || height > maximumDimension) {
    return problem("truncated-png", `PNG IHDR has invalid dimensions ${width}x${height}`);
  }
  const bitDepth = data[24] ?? 0;
  const colorType = data[25] ?? 0;
  if (!allowedBitDepths[colorType]?.includes(bitDepth)) {
    return problem("truncated-png", `PNG IHDR has invalid colour type ${colorType} / bit depth ${bitDepth}`);
  }
  return { ok: true, width, height, bitDepth, colorType };
}

function hasSignature(data: Uint8Array): boolean {
  if (data.length < signature.length) return false;
  for (let index = 0; index < signature.length; index++) {
    if (data[index] !== signature[index]) return false;
  }
  return true;
}

function isSignaturePrefix(data: Uint8Array): boolean {
  for (let index = 0; index < data.length; index++) {
    if (data[index] !== signature[index]) return false;
  }
  return true;
}

function problem(kind: PngHeaderProblem["kind"], message: string): PngHeaderProblem {
  return { ok: false, kind, message };
}
