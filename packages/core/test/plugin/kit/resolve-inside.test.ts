import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { InsideResolver, resolveInside } from "../../../src/plugin/kit/resolve-inside.js";

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

describe("InsideResolver", () => {
  const root = resolve("/srv/frames");
  const accepted = [
    "a.png",
    "rec/7-webcam/000001.png",
    "..a/b",
    "a/..b",
    "a/b/../c.png",
    "a/../b.png",
    "../frames/x.png",
    "a/.",
  ];
  const refused = [
    "",
    ".",
    "..",
    "../x",
    "a/../../x",
    "/etc/passwd",
    "a/../..",
    "a\0b",
    "a\0/b.png",
    "a/..",
    "../frames-other/x.png",
  ];

  it.each(accepted)("gives what resolveInside gives for %j, with its folder", (path) => {
    const resolver = new InsideResolver(root);
    const expected = resolveInside(root, path);
    expect(resolver.resolve(path)).toEqual({ path: expected, directory: dirname(expected!) });
  });

  it.each(refused)("refuses %j, like resolveInside", (path) => {
    expect(resolveInside(root, path)).toBeNull();
    expect(new InsideResolver(root).resolve(path)).toBeNull();
  });

  it("answers the same from its folder cache, for every file of a folder", () => {
    const resolver = new InsideResolver(root);
    for (const path of [...accepted, ...refused, ...accepted, ...refused]) {
      const expected = resolveInside(root, path);
      expect(resolver.resolve(path)?.path ?? null).toBe(expected);
    }
    expect(resolver.resolve("rec/7-webcam/000002.png")).toEqual({
      path: join(root, "rec", "7-webcam", "000002.png"),
      directory: join(root, "rec", "7-webcam"),
    });
  });

  it("remembers a refused folder as refused", () => {
    const resolver = new InsideResolver(root);
    expect(resolver.resolve("../outside/a.png")).toBeNull();
    expect(resolver.resolve("../outside/b.png")).toBeNull();
  });
});
