import { type Linkable, LinkedQueue } from "./linked-queue.js";

/**
 * Steps one pump call starts before it yields a microtask turn: plugin promises that settled
 * meanwhile (other lanes' steps finishing) get their turn, however much synchronous work is ready.
 */
export const STEPS_PER_TURN = 64;

/** Something that can wait in the scheduler's ready ring at most once. */
export interface Schedulable<T> extends Linkable<T> {
  scheduled: boolean;
}

/**
 * Hands out `concurrency` slots round-robin over ready lanes. A lane runs one step, then goes to
 * the back of the ring if it has more: a participant with a long backlog gets one turn per round,
 * like everyone else, instead of making later participants wait behind its whole queue.
 *
 * `run(lane)` starts a step and must call {@link stepDone} exactly once when it is over, within
 * the call when the step was synchronous: such steps cost no promise and no microtask, and the
 * pump goes on to the next lane at once.
 */
export class FairScheduler<T extends Schedulable<T>> {
  readonly concurrency: number;
  readonly #run: (lane: T) => void;
  readonly #ready = new LinkedQueue<T>();
  /** Steps that gave their slot back during a retry backoff and want one again: served first. */
  readonly #resumers: Array<() => void> = [];
  #active = 0;
  #pumpQueued = false;
  /** Inside {@link #pump}: what becomes ready now is picked up by the running loop. */
  #pumping = false;
  #closed = false;

  constructor(concurrency: number, run: (lane: T) => void) {
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
    if (!this.#pumping) this.#schedulePump();
  }

  /**
   * A step started by `run` is over: its slot is free. Called from the step's own promise callback
   * (a microtask, nothing of the runtime on the stack), so the next step may start right here.
   */
  stepDone(): void {
    this.#active -= 1;
    if (!this.#pumping) this.#pump();
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
    // Steps start from a microtask, never inside the call that made them ready (a source's emit,
    // a plugin's callback): no re-entrancy into the caller.
    queueMicrotask(this.#pumpTask);
  }

  /** Made once: {@link #schedulePump} runs for every batch of frames a source emits. */
  readonly #pumpTask = (): void => {
    this.#pumpQueued = false;
    if (!this.#pumping) this.#pump();
  };

  #pump(): void {
    this.#pumping = true;
    let started = 0;
    try {
      while (this.#active < this.concurrency || (this.#closed && this.#resumers.length > 0)) {
        if (started === STEPS_PER_TURN) {
          this.#schedulePump();
          return;
        }
        started += 1;
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
        this.#run(lane);
      }
    } finally {
      this.#pumping = false;
    }
  }
}
