import { describe, expect, it } from "vitest";
import { SUBJECT_TOKEN_MAX_LENGTH, toSubjectToken } from "../src/subject-token.js";

describe("toSubjectToken", () => {
  it("keeps plain ids and numbers as they are", () => {
    expect(toSubjectToken("rec_123-abc")).toBe("rec_123-abc");
    expect(toSubjectToken(100)).toBe("100");
  });

  it("makes anything a subject must not contain safe, with a hash of the original", () => {
    for (const value of ["a.b", "a*b", "a>b", "a b", "a\tb", "Zoë", "", "a~b", "🙂"]) {
      const token = toSubjectToken(value);
      expect(token, value).toMatch(/^[A-Za-z0-9_-]+~[0-9a-f]{8}$/);
    }
  });

  it("never maps two distinct values to one token", () => {
    const values = ["a.b", "a_b", "a*b", "a>b", "a b", "a_b~12345678", "", "_", "x".repeat(200), `${"x".repeat(199)}y`];
    const tokens = values.map((value) => toSubjectToken(value));
    expect(new Set(tokens).size).toBe(values.length);
  });

  it("bounds the length of long values", () => {
    expect(toSubjectToken("x".repeat(10_000)).length).toBeLessThanOrEqual(SUBJECT_TOKEN_MAX_LENGTH);
    expect(toSubjectToken("x".repeat(SUBJECT_TOKEN_MAX_LENGTH))).toBe("x".repeat(SUBJECT_TOKEN_MAX_LENGTH));
  });
});
