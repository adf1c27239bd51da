import { deflateSync } from "node:zlib";
import { createTestPng } from "./frame-factory.js";
import { pngChunk } from "./tiny-png.js";

/*
 * PNGs an attacker (or a broken encoder) sends, for tests of what ingest refuses. Both pass the
 * 33-byte header check framepipe once relied on: only a structural check or a pixel limit
 * stops them.
 */

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A copy of `png` (default: a small test frame) with one bit of its first IDAT chunk's CRC
 * flipped: every byte is there, but a decoder would fail with "libpng read error". Ingest refuses
 * it as `corrupt-png`.
 */
export function pngWithCorruptCrc(png: Buffer = createTestPng()): Buffer {
  const copy = Buffer.from(png);
  let offset = signature.length;
  while (offset + 8 <= copy.length) {
    const length = copy.readUInt32BE(offset);
    if (copy.toString("latin1", offset + 4, offset + 8) === "IDAT") {
      const crcAt = offset + 8 + length;
      copy[crcAt + 3] = (copy[crcAt + 3] ?? 0) ^ 0x01;
      return copy;
    }
    offset += 12 + length;
  }
  throw new RangeError("[framepipe] pngWithCorruptCrc needs a PNG with an IDAT chunk");
}

/**
 * A structurally valid PNG (IHDR, one IDAT, IEND, right CRCs) whose IHDR claims `width`×`height`
 * 8-bit RGBA pixels while its image data is a few bytes: a decompression bomb as ingest sees it
 * (a real one would hold enough deflated zeros to fill the claimed size). Ingest refuses it as
 * `too-many-pixels` beyond `maxPixels`; nothing can decode it.
 */
export function pngClaimingSize(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    signature,
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.alloc(4096))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}
