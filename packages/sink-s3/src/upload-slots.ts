/**
 * A counting semaphore for uploads: at most `limit` run at once, the others wait in arrival
 * order (so no stream overtakes another that asked first). Tracks every task, waiting or
 * running, so that `idle()` can wait for all of them.
 */
export class UploadSlots {
  readonly #limit: number;
  readonly #waiting: Array<() => void> = [];
  /** Tasks waiting or running. */
  readonly #pending = new Set<Promise<unknown>>();
  #active = 0;

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`upload concurrency must be >= 1, got ${limit}`);
    this.#limit = limit;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `task` once a slot is free; resolves or rejects with it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const running = (async () => {
      await this.#acquire();
      try {
        return await task();
      } finally {
        this.#release();
      }
    })();
    this.#pending.add(running);
    const forget = () => this.#pending.delete(running);
    running.then(forget, forget);
    return running;
  }

  /** Resolves when nothing runs or waits, including tasks started meanwhile (failed tasks count as done). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #acquire(): Promise<void> {
    if (this.#active < this.#limit) {
      this.#active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next waiter, so #active stays the same.
    if (next) next();
    else this.#active -= 1;
  }
}
