import type { Clock } from "@framepipe/core";

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * A clock whose time moves only when the test says so. Timers fire one at a time with
 * {@link FakeClock.fireNext}, which sets `now` to the timer's due time first.
 */
export class FakeClock implements Clock {
  #now = 0;
  #nextId = 1;
  #timers: Timer[] = [];
  #onTimer: Array<() => void> = [];
  /** Every delay asked for, in milliseconds, in order. */
  readonly delays: number[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, milliseconds: number): unknown {
    const timer = { id: this.#nextId++, due: this.#now + milliseconds, callback };
    this.delays.push(milliseconds);
    this.#timers.push(timer);
    for (const wake of this.#onTimer.splice(0)) wake();
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }

  /** Moves time forward without firing anything. */
  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }

  /** Resolves once at least one timer is pending. */
  whenTimerPending(): Promise<void> {
    if (this.#timers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onTimer.push(resolve));
  }

  /** Fires the earliest timer (time jumps to its due time, never backwards). */
  fireNext(): void {
    const [earliest] = [...this.#timers].sort((a, b) => a.due - b.due || a.id - b.id);
    if (!earliest) return;
    this.#timers = this.#timers.filter((timer) => timer !== earliest);
    this.#now = Math.max(this.#now, earliest.due);
    earliest.callback();
  }

  /** Fires timers as they come until `done` settles. */
  async runUntil(done: Promise<unknown>): Promise<void> {
    let finished = false;
    done.then(
      () => {
        finished = true;
      },
      () => {
        finished = true;
      },
    );
    const settled = done.then(
      () => "done" as const,
      () => "done" as const,
    );
    while (!finished) {
      const next = await Promise.race([this.whenTimerPending().then(() => "timer" as const), settled]);
      if (next === "done") break;
      this.fireNext();
    }
  }
}
