import { describe, expect, it } from "vitest";
import { createPathMatcher, normalisePath, requestPathname } from "../src/request-path.js";

describe("path matching", () => {
  it("ignores trailing slashes on both sides", () => {
    const withSlash = createPathMatcher("/recall/");
    const withoutSlash = createPathMatcher("/recall");
    for (const matches of [withSlash, withoutSlash]) {
      expect(matches("/recall/?token=abc")).toBe(true);
      expect(matches("/recall?token=abc")).toBe(true);
      expect(matches("/recall")).toBe(true);
      expect(matches("/recall/other")).toBe(false);
      expect(matches("/recal")).toBe(false);
      expect(matches("/")).toBe(false);
    }
  });

  it("matches the root path", () => {
    const root = createPathMatcher("/");
    expect(root("/?token=abc")).toBe(true);
    expect(root("/")).toBe(true);
    expect(root(undefined)).toBe(true);
    expect(root("/recall/")).toBe(false);
  });

  it("never includes the query", () => {
    expect(requestPathname("/recall/?token=secret")).toBe("/recall/");
    expect(normalisePath("///")).toBe("/");
  });
});
