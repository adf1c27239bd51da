import { setFlagsFromString } from "node:v8";
import { describe, expect, it, vi } from "vitest";
import { DroppedMemoryReclaimer, obtainGarbageCollector } from "../../src/runtime/dropped-memory-reclaimer.js";

// The real function, watched: V8 flags are process-wide, so when they are set matters.
vi.mock("node:v8", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:v8")>();
  return { ...original, setFlagsFromString: vi.fn(original.setFlagsFromString) };
});

const mebibyte = 2 ** 20;

function reclaimer(budgetBytes: number, collector: (() => void) | null = () => {}) {
  let now = 0;
  let calls = 0;
  const subject = new DroppedMemoryReclaimer({
    budgetBytes,
    now: () => now,
    collector: () =>
      collector === null
        ? null
        : () => {
            calls += 1;
            collector();
          },
  });
  return {
    subject,
    advance: (milliseconds: number) => {
      now += milliseconds;
    },
    calls: () => calls,
  };
}

describe("DroppedMemoryReclaimer", () => {
  it("leaves V8's flags alone until a collection is due", () => {
    const subject = new DroppedMemoryReclaimer({ budgetBytes: 128 * mebibyte, now: () => 0 });
    subject.released(8 * mebibyte, 10 * mebibyte);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it("collects once a quarter of the budget has been released while the budget is half full", () => {
    const { subject, calls } = reclaimer(128 * mebibyte);
    subject.released(31 * mebibyte, 100 * mebibyte);
    expect(calls()).toBe(0);
    subject.released(1 * mebibyte, 100 * mebibyte);
    expect(calls()).toBe(1);
    expect(subject.collections).toBe(1);
  });

  it("never collects for a pipeline well inside its budget", () => {
    const { subject, calls, advance } = reclaimer(128 * mebibyte);
    for (let index = 0; index < 100; index += 1) {
      subject.released(8 * mebibyte, 10 * mebibyte);
      advance(1000);
    }
    expect(calls()).toBe(0);
  });

  it("caps the threshold at 32 MiB for large budgets", () => {
    const { subject, calls } = reclaimer(4096 * mebibyte);
    subject.released(32 * mebibyte, 3000 * mebibyte);
    expect(calls()).toBe(1);
  });

  it("collects at most every 100 ms, however fast frames are released", () => {
    const { subject, calls, advance } = reclaimer(128 * mebibyte);
    subject.released(64 * mebibyte, 128 * mebibyte);
    subject.released(64 * mebibyte, 128 * mebibyte);
    advance(99);
    subject.released(64 * mebibyte, 128 * mebibyte);
    expect(calls()).toBe(1);
    advance(1);
    subject.released(1, 128 * mebibyte);
    expect(calls()).toBe(2);
  });

  it("does nothing where no collector can be had", () => {
    const { subject } = reclaimer(128 * mebibyte, null);
    subject.released(64 * mebibyte, 128 * mebibyte);
    expect(subject.collections).toBe(0);
  });

  it("obtains V8's collector in a process started without --expose-gc", () => {
    const collect = obtainGarbageCollector();
    expect(setFlagsFromString).toHaveBeenCalledWith("--expose-gc");
    expect(typeof collect).toBe("function");
    expect(() => collect?.()).not.toThrow();
    expect(obtainGarbageCollector()).toBe(collect);
  });
});
