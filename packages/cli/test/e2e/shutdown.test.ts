import { setTimeout as delay } from "node:timers/promises";
import { createFakeRecallBot } from "@framepipe/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPEATED_SIGNAL_WINDOW_MS } from "../../src/run/stop-requests.js";
import { randomToken, runDefaults, slowSinkPlugin, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { connectionClosed, type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";

const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun | undefined;

/** `framepipe run` with a websocket source and the slow local sink taking `delay` ms per frame. */
function startWithSlowSink(delay: number): Promise<FramepipeRun> {
  return startFramepipeRun(
    {
      ...runDefaults,
      plugins: [slowSinkPlugin],
      sources: { recall: websocketSource({ token }) },
      sinks: { slow: { type: "slow", inputs: ["recall"], delay } },
      runtime: { shutdownTimeout: "60s" },
    },
    { directory: directory.path },
  );
}

/** Sends 2 participants × 20 tiny frames at full speed and waits until the source has read them all. */
async function sendFrames(started: FramepipeRun): Promise<number> {
  const report = await createFakeRecallBot({
    url: started.addresses.websocket.recall as string,
    token,
    participants: 2,
    fps: 10,
    duration: 2,
    rate: "max",
    images: "tiny",
  }).run();
  expect(report.outcome).toBe("completed");
  await started.waitForLog(connectionClosed(1000), "the bot closed its connection");
  return report.totals.framesSent;
}

beforeEach(async () => {
  directory = await temporaryDirectory();
});

afterEach(async () => {
  await killRun(run);
  run = undefined;
  await directory.remove();
});

describe("framepipe run: shutdown", () => {
  it("the first SIGTERM drains: every accepted frame is written before exit 0", async () => {
    const started = await startWithSlowSink(50);
    run = started;
    const sent = await sendFrames(started);
    // 40 frames at 50 ms each: most are still queued when the signal arrives.
    const before = await started.metrics();
    expect(before.value("framepipe_queue_depth")).toBeGreaterThan(0);

    started.kill("SIGTERM");
    const exit = await started.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/stopped \(SIGTERM\)/);
    expect(exit.stderr).toMatch(new RegExp(`received\\s+${sent} frames`));
    expect(exit.stderr).toMatch(new RegExp(`written\\s+${sent} to slow`));
    expect(exit.stderr).toMatch(/unwritten\s+0$/m);
    expect(started.logs.some((line) => line.msg === "pipeline draining")).toBe(true);
  }, 30_000);

  it("a second SIGTERM a second later forces the stop, reporting what was left unwritten (exit 2)", async () => {
    // A sink that would take a minute per frame: only a forced stop ends this run in time.
    const started = await startWithSlowSink(60_000);
    run = started;
    const sent = await sendFrames(started);

    started.kill("SIGTERM");
    await started.waitForLog((line) => line.msg === "pipeline draining", "the pipeline started draining");
    // A signal within REPEATED_SIGNAL_WINDOW_MS of the first is the same request (a package
    // manager passing it on): it is logged, and only a later one forces.
    started.kill("SIGTERM");
    await started.waitForLog(
      (line) => line.msg.startsWith("the same stop request again"),
      "the repeated signal taken as the same request",
    );
    await delay(REPEATED_SIGNAL_WINDOW_MS);
    started.kill("SIGTERM");
    const exit = await started.exited;
    expect(exit.code).toBe(2);
    expect(started.logs.some((line) => line.msg === "second signal: forcing stop")).toBe(true);
    expect(exit.stderr).toMatch(new RegExp(`received\\s+${sent} frames`));
    expect(exit.stderr).toMatch(/written\s+0 to slow/);
    expect(exit.stderr).toMatch(new RegExp(`unwritten\\s+${sent} \\(the drain did not complete`));
  }, 30_000);
});
