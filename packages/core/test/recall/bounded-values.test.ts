import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  boundExtraData,
  boundOptionalText,
  boundText,
  recallValueLimits,
  TruncationNotes,
} from "../../src/recall/bounded-values.js";

const bytes = (text: string) => Buffer.byteLength(text, "utf8");
const hashOf = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);

describe("boundText", () => {
  it("returns a value within the limit as it is, whatever its characters", () => {
    for (const value of ["", "Ada", "x".repeat(256), "€".repeat(85), "😀".repeat(64)]) {
      expect(boundText(value, 256)).toBe(value);
    }
  });

  it("cuts a value one byte over the limit and appends ~ and the hash of the whole value", () => {
    const value = "x".repeat(257);
    expect(boundText(value, 256)).toBe(`${"x".repeat(247)}~${hashOf(value)}`);
  });

  it("never exceeds the limit and never splits a character", () => {
    for (const unit of ["é", "€", "😀", "👩‍👩‍👧", "e\u0301"]) {
      const value = unit.repeat(300);
      const bounded = boundText(value, 256);
      expect(bytes(bounded), unit).toBeLessThanOrEqual(256);
      const prefix = bounded.slice(0, -9);
      expect(prefix.length % unit.length, unit).toBe(0);
      expect(prefix, unit).toBe(unit.repeat(prefix.length / unit.length));
    }
  });

  it("cuts one grapheme larger than the limit between code points", () => {
    const value = `e${"\u0301".repeat(1000)}`;
    const bounded = boundText(value, 256);
    expect(bounded).toBe(`e${"\u0301".repeat(123)}~${hashOf(value)}`);
  });

  it("cuts a multi-megabyte value quickly enough to run per message (same result as a short one)", () => {
    const value = `${"a".repeat(300)}${"b".repeat(4 * 1024 * 1024)}`;
    expect(boundText(value, 256)).toBe(`${"a".repeat(247)}~${hashOf(value)}`);
  });
});

describe("boundOptionalText", () => {
  it("passes null and undefined through as null, noting nothing", () => {
    const notes = new TruncationNotes();
    expect(boundOptionalText(null, "participant.name", notes)).toBeNull();
    expect(boundOptionalText(undefined, "participant.email", notes)).toBeNull();
    expect(notes.fields).toBeNull();
  });

  it("notes the field when it cuts, once however often", () => {
    const notes = new TruncationNotes();
    const long = "n".repeat(recallValueLimits.textBytes + 1);
    boundOptionalText(long, "participant.name", notes);
    boundOptionalText(long, "participant.name", notes);
    boundOptionalText("short", "participant.email", notes);
    boundOptionalText(long, "recording.id", notes);
    expect(notes.fields).toEqual(["participant.name", "recording.id"]);
  });
});

describe("boundExtraData", () => {
  it("keeps a missing, empty or small extra_data (frozen)", () => {
    const notes = new TruncationNotes();
    expect(boundExtraData(null, notes)).toEqual({});
    expect(boundExtraData(undefined, notes)).toEqual({});
    const small = { zoom: { user_guid: "guid", conf_user_id: "16778240" } };
    const kept = boundExtraData(small, notes);
    expect(kept).toBe(small);
    expect(Object.isFrozen(kept)).toBe(true);
    expect(notes.fields).toBeNull();
  });

  it("keeps JSON of exactly the limit and drops one byte more", () => {
    const notes = new TruncationNotes();
    const overhead = JSON.stringify({ a: "" }).length;
    const exact = { a: "x".repeat(recallValueLimits.extraDataBytes - overhead) };
    expect(boundExtraData(exact, notes)).toBe(exact);
    expect(notes.fields).toBeNull();
    expect(boundExtraData({ a: `${exact.a}x` }, notes)).toEqual({});
    expect(notes.fields).toEqual(["participant.extra_data"]);
  });

  it("counts UTF-8 bytes, not characters", () => {
    const notes = new TruncationNotes();
    expect(boundExtraData({ a: "€".repeat(1400) }, notes)).toEqual({});
    expect(notes.fields).toEqual(["participant.extra_data"]);
  });

  it("drops, without throwing, one nested too deeply to serialise", () => {
    let deep: Record<string, unknown> = {};
    for (let depth = 0; depth < 100_000; depth += 1) deep = { d: deep };
    const notes = new TruncationNotes();
    expect(boundExtraData(deep, notes)).toEqual({});
    expect(notes.fields).toEqual(["participant.extra_data"]);
  });
});
