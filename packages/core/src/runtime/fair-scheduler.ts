import { type Linkable, LinkedQueue } from "./linked-queue.js";

/**
 * Steps one pump call starts before it yields a microtask turn: plugin promises that settled
 * meanwhile (other lanes' steps finishing) get their turn, however much work is ready.
 */
export const STEPS_PER_TURN = 64;

/**
 * What owns lanes and runs their steps: a transform or sink node. Each owner has its own in-flight
 * limit, so an I/O-bound sink can keep 16 uploads going while a CPU-bound transform stays at 8.
 */
export interface StepOwner<T extends Linkable<T>> {
  /** Steps of this owner allowed at once. */
  readonly concurrency: number;
  /** Steps of this owner running now; the scheduler keeps the count. */
  active: number;
  /** Lanes that were ready while the owner was at its limit, in the order they became ready. */
  readonly parked: LinkedQueue<T>;
  /** Starts the next step of `lane`; must call {@link FairScheduler.stepDone} once it is over. */
  runStep(lane: T): void;
}

/** Something that can wait in the scheduler at most once: a lane. */
export interface Schedulable<T extends Linkable<T>> extends Linkable<T> {
  scheduled: boolean;
  readonly owner: StepOwner<T>;
}

/**
 * Hands out step slots round-robin over ready lanes, within each owner's in-flight limit. A lane
 * runs one step, then goes to the back of the ring if it has more: a participant with a long
 * backlog gets one turn per round, like everyone else, instead of making later participants wait
 * behind its whole queue. A lane whose owner is full waits in the owner's `parked` queue and
 * re-enters the ring when a step of that owner ends.
 */
export class FairScheduler<T extends Schedulable<T>> {
  readonly #ready = new LinkedQueue<T>();
  /** Steps that gave their slot back during a retry backoff and want one again: served first. */
  readonly #resumers: Array<{ readonly owner: StepOwner<T>; readonly resume: () => void }> = [];
  #active = 0;
  #pumpQueued = false;
  /** Inside {@link #pump}: what becomes ready now is picked up by the running loop. */
  #pumping = false;
  #closed = false;

  /** Steps running now, all owners. */
  get active(): number {
    return this.#active;
  }

  /** Puts a lane with work in the ring (no-op if it already waits). */
  enqueue(lane: T): void {
    if (lane.scheduled || this.#closed) return;
    lane.scheduled = true;
    this.#ready.push(lane);
    this.#schedulePump();
  }

  /** A step of `owner` is over: its slot is free, and one of its parked lanes may go again. */
  stepDone(owner: StepOwner<T>): void {
    owner.active -= 1;
    this.#active -= 1;
    this.#unpark(owner);
    if (!this.#pumping) this.#pump();
  }

  /** Gives the caller's slot back while `pending` runs (a retry backoff), then waits for one again. */
  async releaseWhile(owner: StepOwner<T>, pending: Promise<void>): Promise<void> {
    owner.active -= 1;
    this.#active -= 1;
    this.#unpark(owner);
    this.#schedulePump();
    try {
      await pending;
    } finally {
      await new Promise<void>((resume) => {
        this.#resumers.push({ owner, resume });
        this.#schedulePump();
      });
    }
  }

  /** Stops starting steps (a forced stop or a failure); waiting retries still get their slot back. */
  close(): void {
    this.#closed = true;
    for (let lane = this.#ready.shift(); lane; lane = this.#ready.shift()) lane.scheduled = false;
  }

  #unpark(owner: StepOwner<T>): void {
    const lane = owner.parked.shift();
    if (lane) this.#ready.push(lane);
  }

  #schedulePump(): void {
    if (this.#pumpQueued || this.#pumping) return;
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
      this.#resume();
      while (!this.#closed) {
        if (started === STEPS_PER_TURN) {
          this.#pumping = false;
          this.#schedulePump();
          return;
        }
        const lane = this.#ready.shift();
        if (!lane) return;
        const owner = lane.owner;
        if (owner.active >= owner.concurrency) {
          owner.parked.push(lane);
          continue;
        }
        started += 1;
        lane.scheduled = false;
        owner.active += 1;
        this.#active += 1;
        owner.runStep(lane);
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Retries coming back from their backoff go first, as soon as their owner has a slot. */
  #resume(): void {
    for (let index = 0; index < this.#resumers.length; ) {
      const { owner, resume } = this.#resumers[index] as { owner: StepOwner<T>; resume: () => void };
      if (owner.active < owner.concurrency || this.#closed) {
        this.#resumers.splice(index, 1);
        owner.active += 1;
        this.#active += 1;
        resume();
      } else index += 1;
    }
  }
}
