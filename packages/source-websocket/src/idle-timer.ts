/**
 * Calls `onIdle` once when `touch()` has not been called for `timeoutMs` (0 turns it off). While
 * `isPaused()` is true the clock keeps being pushed back: a paused socket is not read, so its
 * silence is framepipe's backpressure, not the peer's.
 */
export class IdleTimer {
  readonly #timer: NodeJS.Timeout | null;

  constructor(timeoutMs: number, isPaused: () => boolean, onIdle: () => void) {
    if (timeoutMs <= 0) {
      this.#timer = null;
      return;
    }
    const timer = setTimeout(() => {
      if (isPaused()) timer.refresh();
      else onIdle();
    }, timeoutMs);
    // Refreshed on every message instead of re-created: cheap at 2 frames per second per stream.
    timer.unref();
    this.#timer = timer;
  }

  /** Activity: the clock starts again. */
  touch(): void {
    this.#timer?.refresh();
  }

  /** The connection closed: the clock stops for good. */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
  }
}
