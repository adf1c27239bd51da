import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveInside } from "../src/resolve-inside.js";

describe("resolveInside", () => {
  const root = resolve("/srv/frames");

  it.each(["a.png", "rec/7-webcam/000001.png", "..a/b", "a/..b", "a/b/../c.png"])("accepts %j", (path) => {
    expect(resolveInside(root, path)).toBe(join(root, path));
  });

  it.each(["", ".", "..", "../x", "a/../../x", "/etc/passwd", "a/../..", "a\0b"])("refuses %j", (path) => {
    expect(resolveInside(root, path)).toBeNull();
  });

  it("refuses a sibling folder that shares the root's prefix", () => {
    expect(resolveInside(root, "../frames-other/x.png")).toBeNull();
  });
});
