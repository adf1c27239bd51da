import { describe, expect, it } from "vitest";
import { differenceHash, hammingDistance } from "../src/difference-hash.js";

function thumbnail(pixel: (x: number, y: number) => number, channels = 1): number[] {
  const values: number[] = [];
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 9; x++) {
      values.push(pixel(x, y));
      for (let extra = 1; extra < channels; extra++) values.push(255);
    }
  }
  return values;
}

describe("differenceHash", () => {
  it("sets a bit where a pixel is brighter than its right neighbour", () => {
    expect(differenceHash(thumbnail((x) => 255 - x * 10))).toBe(0xffff_ffff_ffff_ffffn);
    expect(differenceHash(thumbnail((x) => x * 10))).toBe(0n);
    expect(differenceHash(thumbnail(() => 128))).toBe(0n);
  });

  it("orders bits row by row from the most significant", () => {
    const firstPairOnly = thumbnail((x, y) => (x === 0 && y === 0 ? 200 : 100));
    expect(differenceHash(firstPairOnly)).toBe(1n << 63n);
    const lastPairOnly = thumbnail((x, y) => (x === 7 && y === 7 ? 200 : 100));
    expect(differenceHash(lastPairOnly)).toBe(1n);
  });

  it("reads the first channel of multi-channel pixels", () => {
    const pattern = (x: number, y: number) => ((x + y) % 3) * 60;
    expect(differenceHash(thumbnail(pattern, 2), 2)).toBe(differenceHash(thumbnail(pattern)));
  });

  it("rejects a buffer too small for 9×8 pixels", () => {
    expect(() => differenceHash(new Uint8Array(71))).toThrow(RangeError);
  });
});

describe("hammingDistance", () => {
  it("counts differing bits", () => {
    expect(hammingDistance(0n, 0n)).toBe(0);
    expect(hammingDistance(0b1011n, 0b0001n)).toBe(2);
    expect(hammingDistance(0n, 0xffff_ffff_ffff_ffffn)).toBe(64);
  });
});
