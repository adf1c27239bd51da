import { LinkedQueue } from "./linked-queue.js";

/** Something that can wait in the scheduler's ready ring at most once. */
export interface Schedulable {
  scheduled: boolean;
}

/**
 * Hands out `concurrency` slots round-robin over ready lanes. A lane runs one step, then goes to
 * the back of the ring if it has more: a participant with a long backlog gets one turn per round,
 * like everyone else, instead of making later participants wait behind its whole queue.
 */
export class FairScheduler<T extends Schedulable> {
  readonly concurrency: number;
  readonly #run: (lane: T) => Promise<void>;
  readonly #ready = new LinkedQueue<T>();
  /** Steps that gave their slot back during a retry backoff and want one again: served first. */
  readonly #resumers: Array<() => void> = [];
  #active = 0;
  #pumpQueued = false;
  #closed = false;

  constructor(concurrency: number, run: (lane: T) => Promise<void>) {
    this.concurrency = concurrency;
    this.#run = run;
  }

  /** Steps holding a slot. */
  get active(): number {
    return this.#active;
  }

  /** Puts a lane with work in the ring (no-op if it already is). */
  enqueue(lane: T): void {
    if (lane.scheduled || this.#closed) return;
    lane.scheduled = true;
    this.#ready.push(lane);
    this.#schedulePump();
  }

  /** Gives the caller's slot back while `pending` runs, then waits for a slot again. */
  async releaseWhile(pending: Promise<void>): Promise<void> {
    this.#active -= 1;
    this.#schedulePump();
    try {
      await pending;
    } finally {
      await new Promise<void>((resolve) => {
        this.#resumers.push(resolve);
        this.#schedulePump();
      });
    }
  }

  /** Stops starting steps (a forced stop or a failure); waiting retries still get their slot back. */
  close(): void {
    this.#closed = true;
    for (const lane of this.#ready) lane.scheduled = false;
    while (this.#ready.shift() !== undefined) {}
  }

  #schedulePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    // Steps start from a microtask, never inside the call that made them ready: no re-entrancy.
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#active < this.concurrency || (this.#closed && this.#resumers.length > 0)) {
      const resume = this.#resumers.shift();
      if (resume) {
        this.#active += 1;
        resume();
        continue;
      }
      const lane = this.#ready.shift();
      if (!lane) return;
      lane.scheduled = false;
      this.#active += 1;
      void this.#run(lane).finally(() => {
        this.#active -= 1;
        this.#schedulePump();
      });
    }
  }
}
