import type { Clock, TimerHandle } from "../../../src/runtime/clock.js";

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/** A clock that only moves when the test says so. */
export class ManualClock implements Clock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, milliseconds: number): TimerHandle {
    const timer = { id: this.#nextId++, due: this.#now + Math.max(0, milliseconds), callback };
    this.#timers.set(timer.id, timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers in order (timers they set are fired too when due). */
  advance(milliseconds: number): void {
    const target = this.#now + milliseconds;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.#timers.values()) {
        if (timer.due <= target && (!next || timer.due < next.due)) next = timer;
      }
      if (!next) break;
      this.#timers.delete(next.id);
      this.#now = next.due;
      next.callback();
    }
    this.#now = target;
  }
}

/**
 * A clock whose short timers (retry backoff) fire on the next macrotask, recording the delays asked
 * for, so retries run at full speed while the test checks the schedule. Long timers (idle expiry,
 * the shutdown deadline) never fire.
 */
export class InstantClock implements Clock {
  static readonly longTimer = 10_000;
  readonly delays: number[] = [];
  #now = 0;

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, milliseconds: number): TimerHandle {
    if (milliseconds >= InstantClock.longTimer) return null;
    this.delays.push(milliseconds);
    return setImmediate(() => {
      this.#now += milliseconds;
      callback();
    });
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle) clearImmediate(handle as ReturnType<typeof setImmediate>);
  }
}
