import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeBase64, decodeBase64Span } from "../../src/recall/decode-base64.js";

/** `text` inside a JSON-like envelope, as the websocket delivers it, with the span's bounds. */
function embedded(text: string): { bytes: Buffer; start: number; end: number } {
  const prefix = '{"data":{"buffer":"';
  const bytes = Buffer.from(`${prefix}${text}"}}`, "latin1");
  return { bytes, start: prefix.length, end: prefix.length + text.length };
}

function decodeEmbedded(text: string): Buffer | null {
  const { bytes, start, end } = embedded(text);
  return decodeBase64Span(bytes, start, end);
}

const piece = 64 * 1024;

describe("decodeBase64Span", () => {
  // Sizes around the 64 KiB piece size, and every padding case (length % 3 = 0, 1, 2).
  it.each([0, 1, 2, 3, 1000, 49_151, 49_152, 49_153, 49_154, 98_304, 98_305, 98_306, 360 * 1024, 1_000_001])(
    "decodes %i random bytes exactly as Buffer.from does",
    (size) => {
      const original = randomBytes(size);
      const decoded = decodeEmbedded(original.toString("base64"));
      expect(decoded).not.toBeNull();
      expect(decoded!.equals(original)).toBe(true);
    },
  );

  it("never reads outside its span", () => {
    const original = randomBytes(200_000);
    const text = original.toString("base64");
    const bytes = Buffer.from(`AAAA${text}AAAA`, "latin1");
    expect(decodeBase64Span(bytes, 4, 4 + text.length)!.equals(original)).toBe(true);
  });

  const large = randomBytes(300_000).toString("base64");
  const at = (text: string, index: number, replacement: string) =>
    text.slice(0, index) + replacement + text.slice(index + replacement.length);

  it.each([
    ["a character outside the alphabet in the first piece", at(large, 10, "!")],
    ["a character outside the alphabet in a middle piece", at(large, piece + 17, "*")],
    ["a space at a piece boundary", at(large, piece, " ")],
    ["a JSON escape in a later piece", at(large, 2 * piece + 5, "\\/")],
    ["an inner padding group in a middle piece", at(large, piece - 4, "QQ==")],
    ["padding at the end of a middle piece", at(large, 2 * piece - 2, "==")],
    ["a non-ASCII byte", at(large, 3 * piece + 1, "\u00e9")],
    ["a length that leaves one character over", `${large}A`],
    ["three padding characters", `${large.replace(/=+$/, "")}A===`],
  ])("rejects %s, as decodeBase64 does", (_name, text) => {
    expect(decodeBase64(text)).toBeNull();
    expect(decodeEmbedded(text)).toBeNull();
  });

  it("agrees with decodeBase64 on short spans (decoded as one string)", () => {
    for (const text of ["", "QQ==", "QUI=", "QUJD", "Q", "QQ=", "QQ", "!!!!", "QUJD\\/"]) {
      const expected = decodeBase64(text);
      const actual = decodeEmbedded(text);
      expect(actual === null ? null : [...actual]).toEqual(expected === null ? null : [...expected]);
    }
  });
});
