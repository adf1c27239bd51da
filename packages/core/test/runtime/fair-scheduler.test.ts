import { describe, expect, it } from "vitest";
import { FairScheduler, type Schedulable, STEPS_PER_TURN, type StepOwner } from "../../src/runtime/fair-scheduler.js";
import { LinkedQueue } from "../../src/runtime/linked-queue.js";
import { settle } from "./support/deferred.js";

/** A node owning lanes: each step is synchronous unless the lane says otherwise. */
class TestOwner implements StepOwner<TestLane> {
  active = 0;
  peak = 0;
  readonly parked = new LinkedQueue<TestLane>();
  constructor(
    readonly concurrency: number,
    readonly log: string[],
    readonly scheduler: () => FairScheduler<TestLane>,
  ) {}

  runStep(lane: TestLane): void {
    this.peak = Math.max(this.peak, this.active);
    this.log.push(lane.name);
    lane.remaining -= 1;
    const finish = () => {
      this.scheduler().stepDone(this);
      if (lane.remaining > 0) this.scheduler().enqueue(lane);
    };
    if (lane.async) void Promise.resolve().then(finish);
    else finish();
  }
}

/** A lane with a number of steps to run. */
class TestLane implements Schedulable<TestLane> {
  scheduled = false;
  linkedIn: object | null = null;
  linkPrevious: TestLane | null = null;
  linkNext: TestLane | null = null;
  constructor(
    readonly owner: TestOwner,
    readonly name: string,
    public remaining: number,
    readonly async = false,
  ) {}
}

function harness(concurrency: number) {
  const log: string[] = [];
  const scheduler = new FairScheduler<TestLane>();
  const owner = new TestOwner(concurrency, log, () => scheduler);
  return { scheduler, owner, log };
}

describe("FairScheduler", () => {
  it("starts steps from a microtask, never inside enqueue, and runs synchronous steps round-robin", async () => {
    const { scheduler, owner, log } = harness(1);
    scheduler.enqueue(new TestLane(owner, "a", 3));
    scheduler.enqueue(new TestLane(owner, "b", 2));
    expect(log).toEqual([]);
    await settle(1);
    expect(log).toEqual(["a", "b", "a", "b", "a"]);
    expect(scheduler.active).toBe(0);
  });

  it("lets settled promises of other steps in after a bounded run of synchronous steps", async () => {
    const { scheduler, owner, log } = harness(2);
    scheduler.enqueue(new TestLane(owner, "async", 2, true));
    scheduler.enqueue(new TestLane(owner, "sync", 10 * STEPS_PER_TURN));
    await settle(3);
    // The asynchronous lane's second step starts long before the synchronous backlog is done.
    const second = log.indexOf("async", 1);
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(2 * STEPS_PER_TURN + 1);
    expect(log.filter((name) => name === "sync")).toHaveLength(10 * STEPS_PER_TURN);
  });

  it("never runs more steps of an owner at once than its concurrency", async () => {
    const { scheduler, owner } = harness(2);
    const lanes = Array.from({ length: 5 }, (_, index) => new TestLane(owner, `lane-${index}`, 3, true));
    for (const lane of lanes) scheduler.enqueue(lane);
    await settle(3);
    // The scheduler counts a step as active before it calls runStep: `peak` includes the step itself.
    expect(owner.peak).toBe(2);
    expect(lanes.every((lane) => lane.remaining === 0)).toBe(true);
    expect(owner.active).toBe(0);
  });

  it("gives each owner its own limit: a full owner does not hold back another", async () => {
    const log: string[] = [];
    const scheduler = new FairScheduler<TestLane>();
    const narrow = new TestOwner(1, log, () => scheduler);
    const wide = new TestOwner(4, log, () => scheduler);
    const narrowLanes = Array.from({ length: 4 }, (_, index) => new TestLane(narrow, `n${index}`, 2, true));
    const wideLanes = Array.from({ length: 6 }, (_, index) => new TestLane(wide, `w${index}`, 2, true));
    for (const lane of [...narrowLanes, ...wideLanes]) scheduler.enqueue(lane);
    await settle(3);
    expect(narrow.peak).toBe(1);
    expect(wide.peak).toBe(4);
    expect([...narrowLanes, ...wideLanes].every((lane) => lane.remaining === 0)).toBe(true);
    expect(scheduler.active).toBe(0);
  });

  it("gives a parked lane the next slot of its owner before the lane that just ran", async () => {
    const { scheduler, owner, log } = harness(1);
    scheduler.enqueue(new TestLane(owner, "backlog", 3, true));
    await Promise.resolve();
    scheduler.enqueue(new TestLane(owner, "newcomer", 1, true));
    await settle(2);
    expect(log).toEqual(["backlog", "newcomer", "backlog", "backlog"]);
  });

  it("gives the slot back during releaseWhile and takes one again afterwards", async () => {
    const { scheduler, owner, log } = harness(1);
    let release: () => void = () => {};
    const backoff = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A step that holds its slot, then waits without it (a retry backoff).
    owner.active = 1;
    const waiting = scheduler.releaseWhile(owner, backoff);
    expect(owner.active).toBe(0);
    scheduler.enqueue(new TestLane(owner, "other", 1));
    await settle(1);
    expect(log).toEqual(["other"]);
    release();
    await waiting;
    expect(owner.active).toBe(1);
  });
});
