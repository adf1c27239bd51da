import { makeDirectory } from "@framepipe/core/plugin";
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
  /** Folders whose creation has finished: writers skip the await (a microtask per frame). */
  readonly #ready = new Set<string>();

  constructor(mode?: number) {
    this.#mode = mode;
  }

  /** Resolves once `directory` exists; rejects with a `mkdir` {@link WriteStepError}. */
  ensure(directory: string): Promise<void> {
    let created = this.#created.get(directory);
    if (!created) {
      if (this.#created.size >= cacheLimit) {
        this.#created.clear();
        this.#ready.clear();
      }
      // makeDirectory, not a bare recursive mkdir: Node reports EROFS there as ENOENT.
      created = step("mkdir", () => makeDirectory(directory, this.#mode));
      this.#created.set(directory, created);
      const settled = created;
      settled.then(
        () => {
          if (this.#created.get(directory) === settled) this.#ready.add(directory);
        },
        () => {
          if (this.#created.get(directory) === settled) this.#created.delete(directory);
        },
      );
    }
    return created;
  }

  /** True once `directory` has been created (or found) by {@link ensure} and not forgotten since. */
  isReady(directory: string): boolean {
    return this.#ready.has(directory);
  }

  /** Forgets a folder that disappeared (removed by someone else), so it is created again. */
  forget(directory: string): void {
    this.#created.delete(directory);
    this.#ready.delete(directory);
  }
}
