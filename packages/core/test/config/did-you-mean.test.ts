import { describe, expect, it } from "vitest";
import { closestMatch, didYouMean, levenshtein } from "../../src/config/did-you-mean.js";

describe("levenshtein", () => {
  it("counts insertions, deletions and substitutions", () => {
    expect(levenshtein("width", "width")).toBe(0);
    expect(levenshtein("widht", "width")).toBe(2);
    expect(levenshtein("heigth", "height")).toBe(2);
    expect(levenshtein("sink", "sinks")).toBe(1);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("kitten", "sitting")).toBe(3);
  });
});

describe("closestMatch", () => {
  const options = ["width", "height", "format"];

  it("suggests typos and case slips", () => {
    expect(closestMatch("widht", options)).toBe("width");
    expect(closestMatch("Format", options)).toBe("format");
    expect(closestMatch("hieght", options)).toBe("height");
  });

  it("allows more edits for longer names", () => {
    expect(closestMatch("drop-old", ["block", "drop-oldest", "drop-newest"])).toBe("drop-oldest");
  });

  it("suggests nothing when no name is close", () => {
    expect(closestMatch("colour", options)).toBeUndefined();
    expect(closestMatch("a", ["b"])).toBeUndefined();
    expect(closestMatch("anything", [])).toBeUndefined();
  });

  it("picks the closest of several", () => {
    expect(closestMatch("sink", ["sinks", "sources", "since"])).toBe("sinks");
  });

  it("formats the hint", () => {
    expect(didYouMean("widht", options)).toBe("; did you mean `width`?");
    expect(didYouMean("colour", options)).toBe("");
  });
});
