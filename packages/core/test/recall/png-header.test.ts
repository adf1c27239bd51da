import { describe, expect, it } from "vitest";
import { readPngHeader } from "../../src/recall/png-header.js";
import { makePng } from "../support/make-png.js";

const rgb = makePng({ width: 480, height: 360, seed: 2, noise: 0.05 });
const rgba = makePng({ width: 1280, height: 720, channels: "rgba", seed: 3, noise: 0.01 });

function withIhdrByte(png: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(png);
  copy[offset] = value;
  return copy;
}

describe("readPngHeader", () => {
  it("reads width, height, bit depth and colour type of an RGB PNG", () => {
    expect(readPngHeader(rgb)).toEqual({ ok: true, width: 480, height: 360, bitDepth: 8, colorType: 2 });
  });

  it("reads an RGBA PNG", () => {
    expect(readPngHeader(rgba)).toEqual({ ok: true, width: 1280, height: 720, bitDepth: 8, colorType: 6 });
  });

  it("reads a header from a Uint8Array view at a non-zero offset", () => {
    const padded = Buffer.concat([Buffer.from("xxxxx"), rgb]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 5, rgb.length);
    expect(readPngHeader(view)).toMatchObject({ ok: true, width: 480, height: 360 });
  });

  it("needs only the first 33 bytes", () => {
    expect(readPngHeader(rgb.subarray(0, 33))).toMatchObject({ ok: true, width: 480 });
  });

  it.each([
    ["an empty buffer", Buffer.alloc(0)],
    ["a JPEG", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1])],
    ["text", Buffer.from("hello, this is not an image at all, not even close")],
    ["a PNG signature with one wrong byte", withIhdrByte(rgb, 3, 0x48)],
  ])("reports not-png for %s", (_name, data) => {
    expect(readPngHeader(data)).toMatchObject({ ok: false, kind: "not-png" });
  });

  it.each([
    ["half a signature", rgb.subarray(0, 4)],
    ["only the signature", rgb.subarray(0, 8)],
    ["a signature and part of IHDR", rgb.subarray(0, 20)],
    ["32 bytes", rgb.subarray(0, 32)],
    ["a chunk other than IHDR first", withIhdrByte(rgb, 12, 0x58)],
    ["an IHDR of the wrong length", withIhdrByte(rgb, 11, 12)],
    ["zero width", Buffer.concat([rgb.subarray(0, 16), Buffer.alloc(4), rgb.subarray(20)])],
    ["zero height", Buffer.concat([rgb.subarray(0, 20), Buffer.alloc(4), rgb.subarray(24)])],
    ["a width over 2^31 - 1", withIhdrByte(rgb, 16, 0x80)],
    ["an invalid colour type", withIhdrByte(rgb, 25, 5)],
    ["a bit depth the colour type forbids", withIhdrByte(rgb, 24, 4)],
  ])("reports truncated-png for %s", (_name, data) => {
    const result = readPngHeader(data);
    expect(result).toMatchObject({ ok: false, kind: "truncated-png" });
    expect(result.ok === false && result.message).not.toMatch(/\n/);
  });
});
