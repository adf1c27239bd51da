import { rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DirectoryCache } from "../src/directory-cache.js";
import { WriteStepError } from "../src/write-errors.js";
import { tempDir } from "./support/temp-dir.js";

describe("DirectoryCache", () => {
  it("creates a folder once, and is ready only after the creation finished", async () => {
    const cache = new DirectoryCache();
    const folder = join(await tempDir(), "a", "b");
    const first = cache.ensure(folder);
    expect(cache.ensure(folder)).toBe(first);
    expect(cache.isReady(folder)).toBe(false);
    await first;
    expect((await stat(folder)).isDirectory()).toBe(true);
    expect(cache.isReady(folder)).toBe(true);
  });

  it("forgets a folder: not ready, created again", async () => {
    const cache = new DirectoryCache();
    const folder = join(await tempDir(), "gone");
    await cache.ensure(folder);
    await rm(folder, { recursive: true });
    cache.forget(folder);
    expect(cache.isReady(folder)).toBe(false);
    await cache.ensure(folder);
    expect((await stat(folder)).isDirectory()).toBe(true);
    expect(cache.isReady(folder)).toBe(true);
  });

  it("a failed creation is a mkdir step error, never ready, and retried by the next call", async () => {
    const cache = new DirectoryCache();
    const dir = await tempDir();
    const blocker = join(dir, "blocker");
    await writeFile(blocker, "a file in the way");
    const folder = join(blocker, "inner");
    const error = await cache.ensure(folder).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(WriteStepError);
    expect(error).toMatchObject({ step: "mkdir", code: "ENOTDIR" });
    expect(cache.isReady(folder)).toBe(false);
    await rm(blocker);
    await cache.ensure(folder);
    expect(cache.isReady(folder)).toBe(true);
  });
});
