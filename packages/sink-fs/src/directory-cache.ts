import { mkdir } from "node:fs/promises";
import { step } from "./write-errors.js";

/** Folders remembered; beyond this the cache starts over, which only costs a few extra mkdir calls. */
const cacheLimit = 10_000;

/**
 * Creates folders once: the first frame of a stream pays for `mkdir -p`, the next ones reuse the
 * same promise (concurrent writers of one folder share it). A failed creation is forgotten, so
 * the next write tries again.
 */
export class DirectoryCache {
  readonly #mode: number | undefined;
  readonly #created = new Map<string, Promise<void>>();

  constructor(mode?: number) {
    this.#mode = mode;
  }

  /** Resolves once `directory` exists; rejects with a `mkdir` {@link WriteStepError}. */
  ensure(directory: string): Promise<void> {
    let created = this.#created.get(directory);
    if (!created) {
      if (this.#created.size >= cacheLimit) this.#created.clear();
      const options = this.#mode === undefined ? { recursive: true } : { recursive: true, mode: this.#mode };
      created = step("mkdir", async () => {
        await mkdir(directory, options);
      });
      this.#created.set(directory, created);
      created.catch(() => {
        if (this.#created.get(directory) === created) this.#created.delete(directory);
      });
    }
    return created;
  }

  /** Forgets a folder that disappeared (removed by someone else), so it is created again. */
  forget(directory: string): void {
    this.#created.delete(directory);
  }
}
