import { deflateSync } from "node:zlib";
import { chunk } from "./make-png.js";

/*
 * Take a valid PNG apart and put it back together with one thing wrong, to test what ingest
 * refuses. Chunks are read from a PNG known to be valid, so nothing here checks anything.
 */

/** One chunk of a PNG, as {@link readChunks} finds it. */
export interface PngChunkParts {
  readonly type: string;
  readonly data: Buffer;
  /** As stored; {@link writePng} writes it unchanged when set, else computes the right one. */
  readonly crc?: number;
}

/** The PNG signature. */
export const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The chunks of a valid PNG, in order. */
export function readChunks(png: Buffer): PngChunkParts[] {
  const chunks: PngChunkParts[] = [];
  let offset = pngSignature.length;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    chunks.push({ type, data, crc: png.readUInt32BE(offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}

/** Signature + chunks; each chunk's CRC is its `crc` when set, else the correct one. */
export function writePng(chunks: readonly PngChunkParts[]): Buffer {
  return Buffer.concat([
    pngSignature,
    ...chunks.map((part) => {
      const whole = chunk(part.type, part.data);
      if (part.crc !== undefined) whole.writeUInt32BE(part.crc, whole.length - 4);
      return whole;
    }),
  ]);
}

/** The chunks with fresh CRCs: what to edit before {@link writePng}. */
export function freshChunks(png: Buffer): PngChunkParts[] {
  return readChunks(png).map(({ type, data }) => ({ type, data }));
}

/** A copy of `png` with the last byte of the first `type` chunk's CRC flipped. */
export function withFlippedCrc(png: Buffer, type: string): Buffer {
  const chunks = readChunks(png);
  const index = chunks.findIndex((part) => part.type === type);
  const target = chunks[index];
  if (target?.crc === undefined) throw new Error(`no ${type} chunk`);
  chunks[index] = { ...target, crc: (target.crc ^ 0x01) >>> 0 };
  return writePng(chunks);
}

/** `png` with its single IDAT split into `parts` consecutive IDAT chunks, as most encoders write. */
export function withSplitImageData(png: Buffer, parts: number): Buffer {
  const chunks = freshChunks(png);
  const index = chunks.findIndex((part) => part.type === "IDAT");
  const data = chunks[index]?.data ?? Buffer.alloc(0);
  const size = Math.ceil(data.length / parts);
  const pieces = Array.from({ length: parts }, (_, part) => ({
    type: "IDAT",
    data: data.subarray(part * size, (part + 1) * size),
  }));
  chunks.splice(index, 1, ...pieces);
  return writePng(chunks);
}

/**
 * A structurally valid PNG (right CRCs, IHDR, IDAT, IEND) whose IHDR claims `width`×`height`
 * 8-bit RGBA while its data is a few bytes: a decompression bomb as ingest sees it.
 */
export function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 6;
  return writePng([
    { type: "IHDR", data: header },
    { type: "IDAT", data: deflateSync(Buffer.alloc(4096)) },
    { type: "IEND", data: Buffer.alloc(0) },
  ]);
}
