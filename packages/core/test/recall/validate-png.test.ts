import { describe, expect, it } from "vitest";
import { defaultMaxPixels, validatePng } from "../../src/recall/validate-png.js";
import { makePng } from "../support/make-png.js";
import {
  freshChunks,
  type PngChunkParts,
  pngClaiming,
  readChunks,
  withFlippedCrc,
  withSplitImageData,
  writePng,
} from "../support/png-surgery.js";

const webcam = makePng({ width: 640, height: 360, seed: 5, noise: 0.3 });
const screenshare = withSplitImageData(makePng({ width: 1280, height: 720, channels: "rgba", seed: 6 }), 40);
const text = (keyword: string): PngChunkParts => ({ type: "tEXt", data: Buffer.from(`${keyword}\u0000framepipe`) });

/** `png`'s chunks edited by `edit`, written back with correct CRCs. */
function rebuilt(png: Buffer, edit: (chunks: PngChunkParts[]) => PngChunkParts[]): Buffer {
  return writePng(edit(freshChunks(png)));
}

/** A copy of `png` with the 4-byte length of chunk `index` set to `length`. */
function withChunkLength(png: Buffer, index: number, length: number): Buffer {
  const copy = Buffer.from(png);
  let offset = 8;
  for (let current = 0; current < index; current++) offset += 12 + copy.readUInt32BE(offset);
  copy.writeUInt32BE(length, offset);
  return copy;
}

function palettePng(withPalette: boolean): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(4, 0);
  header.writeUInt32BE(2, 4);
  header[8] = 8;
  header[9] = 3;
  const imageData = freshChunks(makePng({ width: 4, height: 2 })).filter((part) => part.type === "IDAT");
  return writePng([
    { type: "IHDR", data: header },
    ...(withPalette ? [{ type: "PLTE", data: Buffer.from([0, 0, 0, 255, 255, 255]) }] : []),
    ...imageData,
    { type: "IEND", data: Buffer.alloc(0) },
  ]);
}

describe("validatePng: complete PNGs pass", () => {
  it("accepts a 640×360 RGB PNG with one IDAT and returns its header", () => {
    expect(validatePng(webcam)).toEqual({ ok: true, width: 640, height: 360, bitDepth: 8, colorType: 2 });
  });

  it("accepts a 1280×720 RGBA PNG whose image data is split over 40 IDAT chunks", () => {
    expect(readChunks(screenshare).filter((part) => part.type === "IDAT")).toHaveLength(40);
    expect(validatePng(screenshare)).toMatchObject({ ok: true, width: 1280, height: 720, colorType: 6 });
  });

  it("accepts ancillary chunks before and after the image data", () => {
    const annotated = rebuilt(webcam, (chunks) => [
      chunks[0] as PngChunkParts,
      text("Title"),
      ...chunks.slice(1, -1),
      text("Comment"),
      chunks.at(-1) as PngChunkParts,
    ]);
    expect(validatePng(annotated)).toMatchObject({ ok: true });
  });

  it("accepts a palette image with PLTE before IDAT", () => {
    expect(validatePng(palettePng(true))).toMatchObject({ ok: true, colorType: 3 });
  });

  it("reads a PNG inside a larger buffer, at a non-zero offset", () => {
    const padded = Buffer.concat([Buffer.from("xxxxx"), webcam, Buffer.from("yyy")]);
    expect(validatePng(padded.subarray(5, 5 + webcam.length))).toMatchObject({ ok: true, width: 640 });
  });
});

describe("validatePng: cut-off PNGs are truncated-png", () => {
  it.each([
    ["cut in half", webcam.subarray(0, webcam.length >> 1)],
    ["missing its last byte", webcam.subarray(0, -1)],
    ["missing IEND, cut exactly between chunks", webcam.subarray(0, -12)],
    ["cut inside a chunk's length field", screenshare.subarray(0, 33 + 3)],
    ["a valid IHDR and nothing more", webcam.subarray(0, 33)],
    ["a chunk whose length runs past the end", withChunkLength(webcam, 1, webcam.length)],
  ])("%s", (_name, data) => {
    const result = validatePng(data);
    expect(result).toMatchObject({ ok: false, kind: "truncated-png" });
    expect(!result.ok && result.message).toMatch(/^PNG cut off after \d+ bytes/);
  });
});

describe("validatePng: damaged PNGs are corrupt-png", () => {
  // IHDR ends at byte 33 and IDAT's data starts at 41: byte 60 is image data.
  const flippedData = Buffer.from(webcam);
  flippedData[60] = (flippedData[60] as number) ^ 0xff;

  it.each([
    ["a flipped byte in IDAT's CRC", withFlippedCrc(webcam, "IDAT"), /CRC mismatch in IDAT chunk 1 at byte 33/],
    ["a flipped byte in IDAT's data", flippedData, /CRC mismatch in IDAT/],
    ["a flipped byte in IHDR's CRC", withFlippedCrc(webcam, "IHDR"), /CRC mismatch in IHDR chunk 0/],
    ["a flipped CRC in the 20th of 40 IDATs", withFlippedCrc40th(), /CRC mismatch in IDAT chunk/],
    ["a flipped byte in IEND's CRC", withFlippedCrc(webcam, "IEND"), /CRC mismatch in IEND/],
    ["bytes after IEND", Buffer.concat([webcam, Buffer.from("trailing")]), /^8 bytes after IEND$/],
    ["a second PNG after IEND", Buffer.concat([webcam, webcam]), /bytes after IEND/],
    ["a chunk length over 2^31 - 1", withChunkLength(webcam, 1, 0xffffffff), /over the PNG maximum/],
    ["no IDAT", rebuilt(webcam, (chunks) => chunks.filter((part) => part.type !== "IDAT")), /no IDAT/],
    [
      "IDAT chunks that are not consecutive",
      rebuilt(screenshare, (chunks) => [...chunks.slice(0, 5), text("Oops"), ...chunks.slice(5)]),
      /must be consecutive/,
    ],
    ["a second IHDR", rebuilt(webcam, (chunks) => [chunks[0], ...chunks] as PngChunkParts[]), /second IHDR/],
    [
      "an IEND with data",
      rebuilt(webcam, (chunks) => [...chunks.slice(0, -1), { type: "IEND", data: Buffer.from([1]) }]),
      /IEND chunk carries 1 bytes/,
    ],
    [
      "a chunk type that is not four letters",
      rebuilt(webcam, (chunks) => [
        chunks[0] as PngChunkParts,
        { type: "t3Xt", data: Buffer.alloc(2) },
        ...chunks.slice(1),
      ]),
      /chunk 1 at byte 33 has an invalid type/,
    ],
    ["a palette image without PLTE", palettePng(false), /without PLTE/],
  ] as const)("%s", (_name, data, message) => {
    const result = validatePng(data);
    expect(result).toMatchObject({ ok: false, kind: "corrupt-png" });
    expect(!result.ok && result.message).toMatch(message);
    expect(!result.ok && result.message).not.toMatch(/[\n\r]/);
  });

  function withFlippedCrc40th(): Buffer {
    const chunks = readChunks(screenshare);
    const target = chunks[20] as PngChunkParts;
    chunks[20] = { ...target, crc: ((target.crc as number) ^ 0x80) >>> 0 };
    return writePng(chunks);
  }
});

describe("validatePng: maxPixels", () => {
  it("defaults to 4096×2304", () => {
    expect(defaultMaxPixels).toBe(9_437_184);
    expect(validatePng(pngClaiming(4096, 2304))).toMatchObject({ ok: true, width: 4096, height: 2304 });
    expect(validatePng(pngClaiming(4097, 2304))).toMatchObject({ ok: false, kind: "too-many-pixels" });
  });

  it("refuses a 50000×50000 header with a one-line message naming both sizes", () => {
    expect(validatePng(pngClaiming(50_000, 50_000))).toEqual({
      ok: false,
      kind: "too-many-pixels",
      message: "PNG of 50000x50000 (2500000000 pixels) exceeds the maximum of 9437184 pixels",
    });
  });

  it("takes a limit, inclusive", () => {
    expect(validatePng(webcam, { maxPixels: 640 * 360 })).toMatchObject({ ok: true });
    expect(validatePng(webcam, { maxPixels: 640 * 360 - 1 })).toMatchObject({ ok: false, kind: "too-many-pixels" });
  });

  it("refuses a bomb for its size before reading its chunks", () => {
    const corruptBomb = withFlippedCrc(pngClaiming(16_383, 16_383), "IDAT");
    expect(validatePng(corruptBomb)).toMatchObject({ ok: false, kind: "too-many-pixels" });
  });

  it("still reports not-png and a cut-off IHDR as before", () => {
    expect(validatePng(Buffer.from("GIF89a"))).toMatchObject({ ok: false, kind: "not-png" });
    expect(validatePng(webcam.subarray(0, 20))).toMatchObject({ ok: false, kind: "truncated-png" });
  });
});
