import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** vitest's (or any runner's) `afterEach`, passed in so the kit works with whichever runner a package uses. */
export type AfterEachLike = (cleanup: () => Promise<void>) => unknown;

/**
 * Returns a function that makes a fresh folder under the OS temp dir; every folder it made is
 * removed after each test.
 *
 * @example
 * const tempDir = useTempFolders(afterEach, "framepipe-sink-fs-");
 * const dir = await tempDir();
 */
export function useTempFolders(afterEach: AfterEachLike, defaultPrefix = "framepipe-test-") {
  const created: string[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((path) => rm(path, { recursive: true, force: true })));
  });
  return async (prefix = defaultPrefix): Promise<string> => {
    const path = await mkdtemp(join(tmpdir(), prefix));
    created.push(path);
    return path;
  };
}
