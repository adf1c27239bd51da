import type { Clock } from "@framepipe/core";

/**
 * Open or closed by the runtime's `pause()`/`resume()`. Readers wait at the gate before pulling the
 * next line; it also measures how long it stayed closed, so a paced replay shifts its schedule by
 * the pause instead of bursting to catch up afterwards.
 */
export class FlowGate {
  readonly #clock: Clock;
  #paused = false;
  #pausedAt = 0;
  #closedTotal = 0;
  #waiters: Array<() => void> = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#pausedAt = this.#clock.now();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#closedTotal += this.#clock.now() - this.#pausedAt;
    this.#release();
  }

  /** Milliseconds spent paused since the gate was made, the current pause included. */
  pausedMilliseconds(): number {
    return this.#closedTotal + (this.#paused ? this.#clock.now() - this.#pausedAt : 0);
  }

  /** Resolves at once when open, else on `resume()` or when `signal` aborts. */
  whenOpen(signal: AbortSignal): Promise<void> {
    if (!this.#paused || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      this.#waiters.push(done);
    });
  }

  /** Wakes every waiter (on stop). */
  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Resolves after `milliseconds` on `clock`, or at once when `signal` aborts (its timer is cleared). */
export function sleep(clock: Clock, milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
