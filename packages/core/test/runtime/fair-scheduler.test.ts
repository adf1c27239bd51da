import { describe, expect, it } from "vitest";
import { FairScheduler, type Schedulable, STEPS_PER_TURN } from "../../src/runtime/fair-scheduler.js";
import { settle } from "./support/deferred.js";

/** A lane with a number of steps to run, each synchronous unless `async` says otherwise. */
class TestLane implements Schedulable<TestLane> {
  scheduled = false;
  linkedIn: object | null = null;
  linkPrevious: TestLane | null = null;
  linkNext: TestLane | null = null;
  constructor(
    readonly name: string,
    public remaining: number,
    readonly async = false,
  ) {}
}

function harness(concurrency: number) {
  const log: string[] = [];
  const scheduler: FairScheduler<TestLane> = new FairScheduler(concurrency, (lane) => {
    log.push(lane.name);
    lane.remaining -= 1;
    const finish = () => {
      if (lane.remaining > 0) scheduler.enqueue(lane);
      scheduler.stepDone();
    };
    if (lane.async) void Promise.resolve().then(finish);
    else finish();
  });
  return { scheduler, log };
}

describe("FairScheduler", () => {
  it("starts steps from a microtask, never inside enqueue, and runs synchronous steps round-robin", async () => {
    const { scheduler, log } = harness(1);
    scheduler.enqueue(new TestLane("a", 3));
    scheduler.enqueue(new TestLane("b", 2));
    expect(log).toEqual([]);
    await settle(1);
    expect(log).toEqual(["a", "b", "a", "b", "a"]);
    expect(scheduler.active).toBe(0);
  });

  it("lets settled promises of other steps in after a bounded run of synchronous steps", async () => {
    const { scheduler, log } = harness(2);
    scheduler.enqueue(new TestLane("async", 2, true));
    scheduler.enqueue(new TestLane("sync", 10 * STEPS_PER_TURN));
    await settle(3);
    // The asynchronous lane's second step starts long before the synchronous backlog is done.
    const second = log.indexOf("async", 1);
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(2 * STEPS_PER_TURN + 1);
    expect(log.filter((name) => name === "sync")).toHaveLength(10 * STEPS_PER_TURN);
  });

  it("never runs more steps at once than its concurrency", async () => {
    const { scheduler } = harness(2);
    let peak = 0;
    const lanes = Array.from({ length: 5 }, (_, index) => new TestLane(`lane-${index}`, 3, true));
    for (const lane of lanes) scheduler.enqueue(lane);
    for (let turn = 0; turn < 20; turn += 1) {
      peak = Math.max(peak, scheduler.active);
      await Promise.resolve();
    }
    await settle(2);
    expect(peak).toBe(2);
    expect(lanes.every((lane) => lane.remaining === 0)).toBe(true);
  });
});
