import { EventEmitter } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { createRecordingContext } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { startedByPackageManager, watchParent } from "../src/run/parent-watch.js";
import { listenForStopRequests, REPEATED_SIGNAL_WINDOW_MS } from "../src/run/stop-requests.js";

/** Waits (in real time, at most 5 s) until `predicate` holds: the parent is checked on a timer. */
async function eventually(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not reached within 5 s");
    await delay(5);
  }
}

/** Stop requests with a clock the test moves, a parent the test replaces, and the stops recorded. */
function harness(options: { watchParent?: boolean } = {}) {
  const signals = new EventEmitter();
  const { context, logs } = createRecordingContext();
  const stops: string[] = [];
  let time = 0;
  let parent = 4242;
  const stopListening = listenForStopRequests({
    signals,
    logger: context.logger,
    stop: (reason) => stops.push(reason),
    watchParent: options.watchParent ?? true,
    parentCheckIntervalMs: 5,
    parentPid: () => parent,
    now: () => time,
  });
  return {
    signals,
    logs,
    stops,
    stopListening,
    advance: (ms: number) => {
      time += ms;
    },
    reparent: (pid: number) => {
      parent = pid;
    },
  };
}

describe("startedByPackageManager", () => {
  it("is true under a package manager's script, npx or pnpm exec, false otherwise", () => {
    expect(startedByPackageManager({ npm_lifecycle_event: "framepipe" })).toBe(true);
    expect(startedByPackageManager({ npm_lifecycle_event: "npx" })).toBe(true);
    expect(startedByPackageManager({ npm_config_user_agent: "pnpm/10.34.9 npm/? node/v20.20.2 linux x64" })).toBe(true);
    expect(startedByPackageManager({ PATH: "/usr/bin" })).toBe(false);
    expect(startedByPackageManager({ npm_lifecycle_event: "" })).toBe(false);
  });
});

describe("watchParent", () => {
  it("reports once when the parent process id changes, and not after it was stopped", async () => {
    let parent = 100;
    const changes: unknown[] = [];
    const stop = watchParent({
      intervalMs: 5,
      parentPid: () => parent,
      onParentExit: (change) => changes.push(change),
    });
    await delay(30);
    expect(changes).toEqual([]);
    parent = 1;
    await eventually(() => changes.length > 0);
    await delay(30);
    expect(changes).toEqual([{ parent: 100, now: 1 }]);
    stop();

    const later: unknown[] = [];
    let other = 200;
    const stopOther = watchParent({
      intervalMs: 5,
      parentPid: () => other,
      onParentExit: (change) => later.push(change),
    });
    stopOther();
    other = 1;
    await delay(30);
    expect(later).toEqual([]);
  });
});

describe("listenForStopRequests", () => {
  it("drains on the first signal; the same signal again within the window is not a second one", () => {
    const { signals, stops, logs, advance } = harness();
    signals.emit("SIGTERM");
    expect(stops).toEqual(["SIGTERM"]);
    // Sent to the whole process group: the package manager passes it on a few milliseconds later.
    advance(3);
    signals.emit("SIGTERM");
    advance(REPEATED_SIGNAL_WINDOW_MS - 10);
    signals.emit("SIGINT");
    expect(stops).toEqual(["SIGTERM"]);
    expect(logs.filter((entry) => entry.message?.startsWith("the same stop request again"))).toHaveLength(2);
  });

  it("a signal at least the window after the first forces the stop", () => {
    const { signals, stops, logs, advance } = harness();
    signals.emit("SIGINT");
    advance(REPEATED_SIGNAL_WINDOW_MS);
    signals.emit("SIGINT");
    expect(stops).toEqual(["SIGINT", "SIGINT"]);
    expect(logs.map((entry) => entry.message)).toContain("second signal: forcing stop");
  });

  it("drains when the parent exits (a package manager's shell died of the signal without passing it on)", async () => {
    const { stops, logs, reparent, signals, advance } = harness();
    reparent(1);
    await eventually(() => stops.length > 0);
    expect(stops).toEqual(["parent exited"]);
    expect(logs.find((entry) => entry.level === "warn")).toMatchObject({
      message: "the process that started framepipe exited without passing on a signal: draining as on SIGTERM",
      object: { parent: 4242, adoptedBy: 1 },
    });
    // A signal right after it is the same request; a later one forces.
    signals.emit("SIGTERM");
    expect(stops).toEqual(["parent exited"]);
    advance(REPEATED_SIGNAL_WINDOW_MS);
    signals.emit("SIGTERM");
    expect(stops).toEqual(["parent exited", "SIGTERM"]);
  });

  it("a parent that exits after a signal adds nothing: the drain is under way", async () => {
    const { stops, reparent, signals } = harness();
    signals.emit("SIGTERM");
    reparent(1);
    await delay(30);
    expect(stops).toEqual(["SIGTERM"]);
  });

  it("does not watch the parent unless asked (not started by a package manager)", async () => {
    const { stops, reparent } = harness({ watchParent: false });
    reparent(1);
    await delay(30);
    expect(stops).toEqual([]);
  });

  it("stops listening when told to", async () => {
    const { signals, stops, stopListening, reparent } = harness();
    stopListening();
    expect(signals.listenerCount("SIGTERM") + signals.listenerCount("SIGINT")).toBe(0);
    reparent(1);
    await delay(30);
    expect(stops).toEqual([]);
  });
});
