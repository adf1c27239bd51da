import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_FALLBACK, SAFE_SEGMENT_MAX_BYTES, toSafeSegment } from "../../src/templates/safe-segment.js";

/** What every safe segment satisfies, whatever the input. */
function expectSafe(segment: string): void {
  expect(segment).not.toBe("");
  expect(segment).not.toBe(".");
  expect(segment).not.toBe("..");
  expect(segment.startsWith(".")).toBe(false);
  expect(segment).not.toMatch(/[/\\\p{Cc}<>:"|?*]/u);
  expect(segment).not.toMatch(/[\s.]$/u);
  expect(segment).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
  expect(Buffer.byteLength(segment, "utf8")).toBeLessThanOrEqual(SAFE_SEGMENT_MAX_BYTES);
  expect(segment).not.toMatch(/\p{Cs}/u);
}

/** A changed value: what is left of it, then `~` and 8 hex digits of SHA-256 of the original. */
function changed(kept: string, original: string): string {
  return `${kept}~${createHash("sha256").update(original).digest("hex").slice(0, 8)}`;
}

describe("toSafeSegment", () => {
  it.each([
    ["abc-123_X", "abc-123_X"],
    ["5b1f6a0e-3c2d-4e8f-9a7b-1c2d3e4f5a60", "5b1f6a0e-3c2d-4e8f-9a7b-1c2d3e4f5a60"],
    ["file.name.png", "file.name.png"],
    ["Ada Lovelace", "Ada Lovelace"],
  ])("keeps the plain value %j", (input, expected) => {
    expect(toSafeSegment(input)).toBe(expected);
  });

  it.each([
    ["../../etc", "___.._etc"],
    ["a/b", "a_b"],
    ["\\\\server\\share", "__server_share"],
    ["a\0b", "a_b"],
    ["tab\there", "tab_here"],
    ["bell\u0007", "bell_"],
    ["line\nbreak", "line_break"],
    ['what?<>:"|*', "what_______"],
    ["\u202Egpj.exe", "_gpj.exe"],
    [".hidden", "_hidden"],
    ["..two", "__two"],
    ["name. . ", "name"],
    ["  padded  ", "padded"],
  ])("neutralises %j, marking the change with a hash of the original", (input, expected) => {
    const safe = toSafeSegment(input);
    expect(safe).toBe(changed(expected, input));
    expectSafe(safe);
  });

  it.each(["CON", "con", "Prn", "AUX", "NUL", "COM1", "com9", "LPT1", "lpt9", "con.txt", "NUL.tar.gz", "COM1 .png"])(
    "prefixes the Windows reserved name %j",
    (input) => {
      expect(toSafeSegment(input)).toBe(changed(`_${input}`.replace(/[\s.]+$/u, ""), input));
    },
  );

  it("does not touch names that merely start like a reserved name", () => {
    expect(toSafeSegment("CONSOLE")).toBe("CONSOLE");
    expect(toSafeSegment("auxiliary.txt")).toBe("auxiliary.txt");
    expect(toSafeSegment("COM10")).toBe("COM10");
  });

  it.each(["", " ", "   ", "\u2028"])("renders the empty %j as the fallback", (input) => {
    expect(toSafeSegment(input)).toBe(DEFAULT_FALLBACK);
    expect(toSafeSegment(input, "guest")).toBe("guest");
  });

  it.each([".", "..", "...", " . "])("gives %j a segment of its own: it is a value, not an empty one", (input) => {
    expect(toSafeSegment(input)).toBe(changed("_", input));
    expect(toSafeSegment(input, "guest")).toBe(changed("_", input));
  });

  it("never renders two distinct values to the same segment", () => {
    const values = [
      "a/b",
      "a_b",
      "a\\b",
      "a:b",
      ".",
      "..",
      "...",
      "CON",
      "_CON",
      "con",
      " x",
      "x",
      "x ",
      "x.",
      "name",
      "name.",
    ];
    const segments = values.map((value) => toSafeSegment(value));
    expect(new Set(segments).size).toBe(values.length);
  });

  it("renders null, undefined and non-finite numbers as the fallback", () => {
    expect(toSafeSegment(null)).toBe("unknown");
    expect(toSafeSegment(undefined, "none")).toBe("none");
    expect(toSafeSegment(Number.NaN)).toBe("unknown");
    expect(toSafeSegment(42)).toBe("42");
  });

  it("sanitises the fallback too", () => {
    expect(toSafeSegment("", "a/b")).toBe(changed("a_b", "a/b"));
    expect(toSafeSegment("", "..")).toBe(changed("_", ".."));
  });

  it("keeps emoji, combined emoji and letters of any script", () => {
    for (const name of ["😀 Ana", "👩‍👩‍👧 family", "Ñandú", "李小龍", "Ελληνικά", "مرحبا", "Zoë"]) {
      expect(toSafeSegment(name)).toBe(name.normalize("NFC"));
    }
  });

  it("normalises to NFC so the same name from two platforms gives one folder", () => {
    expect(toSafeSegment("Zoe\u0308")).toBe(toSafeSegment("Zo\u00EB"));
  });

  it("replaces lone surrogates, which have no UTF-8 form", () => {
    const safe = toSafeSegment("bad\uD800name");
    expect(safe).toMatch(/^bad_name~[0-9a-f]{8}$/);
    expectSafe(safe);
  });

  it("truncates a 300-character name within the byte limit and appends a hash", () => {
    const safe = toSafeSegment("x".repeat(300));
    expect(Buffer.byteLength(safe)).toBe(SAFE_SEGMENT_MAX_BYTES);
    expect(safe).toMatch(/^x+~[0-9a-f]{8}$/);
  });

  it("keeps names that differ only beyond the truncation point distinct, and is stable", () => {
    const base = "n".repeat(200);
    const first = toSafeSegment(`${base}-first`);
    const second = toSafeSegment(`${base}-second`);
    expect(first).not.toBe(second);
    expect(first.slice(0, 100)).toBe(second.slice(0, 100));
    expect(toSafeSegment(`${base}-first`)).toBe(first);
  });

  it("never splits a multi-byte character or an emoji sequence when truncating", () => {
    for (const unit of ["é", "李", "😀", "👩‍👩‍👧", "🇫🇷"]) {
      const safe = toSafeSegment(unit.repeat(200));
      expectSafe(safe);
      const prefix = safe.slice(0, safe.lastIndexOf("~"));
      expect(prefix.length % unit.length).toBe(0);
      expect(prefix.replaceAll(unit, "")).toBe("");
    }
  });

  it("cuts one giant grapheme (a letter with hundreds of combining marks) between code points", () => {
    const safe = toSafeSegment(`a${"\u0301".repeat(400)}`);
    expectSafe(safe);
    expect(safe.startsWith("á")).toBe(true);
  });

  it("counts bytes, not characters, for the limit", () => {
    const safe = toSafeSegment("李".repeat(50));
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(SAFE_SEGMENT_MAX_BYTES);
    expect(safe).toMatch(/~[0-9a-f]{8}$/);
    expect(toSafeSegment("李".repeat(40))).toBe("李".repeat(40));
  });
});
