import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeExpected, describeValue } from "../../src/config/expectation.js";

describe("describeExpected", () => {
  it.each([
    [z.number().int().positive(), "a positive integer"],
    [z.number().int().min(0), "a non-negative integer"],
    [z.number().int().min(1).max(10), "an integer from 1 to 10"],
    [z.number().min(0.5), "a number at least 0.5"],
    [z.number().lt(1), "a number less than 1"],
    [z.string(), "a string"],
    [z.string().min(1), "a non-empty string"],
    [z.string().min(3), "a string of at least 3 characters"],
    [z.url(), "a URL"],
    [z.email(), "an email address"],
    [z.boolean(), "true or false"],
    [z.enum(["png", "jpeg"]), 'one of "png", "jpeg"'],
    [z.literal("only"), '"only"'],
    [z.array(z.string()), "a list of strings"],
    [z.array(z.string()).min(1), "a list of strings with at least 1 item"],
    [z.number().nullable(), "a number or null"],
    [z.union([z.string(), z.number(), z.boolean()]), "a string, a number or true or false"],
    [z.strictObject({ a: z.string() }), "an object"],
    [z.string().optional().default("x"), "a string"],
    [z.unknown(), "a value"],
  ])("%#: %s", (schema, expected) => {
    expect(describeExpected(schema)).toBe(expected);
  });
});

describe("describeValue", () => {
  it("renders what the user wrote briefly", () => {
    expect(describeValue("wide")).toBe('"wide"');
    expect(describeValue("x".repeat(80))).toBe(`"${"x".repeat(57)}..."`);
    expect(describeValue(12)).toBe("12");
    expect(describeValue(false)).toBe("false");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(undefined)).toBe("nothing");
    expect(describeValue([])).toBe("an empty list");
    expect(describeValue([1])).toBe("a list");
    expect(describeValue({})).toBe("an object");
  });
});
