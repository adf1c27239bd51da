import { describe, expect, it } from "vitest";
import { durationSecondsSchema, parseDurationSeconds } from "../../src/transforms/duration.js";

describe("parseDurationSeconds", () => {
  it("parses each unit", () => {
    expect(parseDurationSeconds("250ms")).toBe(0.25);
    expect(parseDurationSeconds("2s")).toBe(2);
    expect(parseDurationSeconds("1.5m")).toBe(90);
    expect(parseDurationSeconds("1h")).toBe(3600);
    expect(parseDurationSeconds(" .5 s ")).toBe(0.5);
  });

  it("returns null for anything else", () => {
    for (const text of ["", "2", "s", "2 days", "-1s", "1e3s", "2sec"]) {
      expect(parseDurationSeconds(text), text).toBeNull();
    }
  });

  it("accepts positive numbers of seconds in the schema and rejects zero", () => {
    expect(durationSecondsSchema.parse(3)).toBe(3);
    expect(durationSecondsSchema.parse("3s")).toBe(3);
    expect(durationSecondsSchema.safeParse(0).success).toBe(false);
    expect(durationSecondsSchema.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
  });
});
