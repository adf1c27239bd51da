import { setTimeout as delay } from "node:timers/promises";
import { createFakeRecallBot } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomToken, runDefaults, slowSinkPlugin, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { connectionClosed, type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { noisePng } from "./support/noise-png.js";

const mebibyte = 1024 * 1024;
const maxInFlightBytes = 4 * mebibyte;
const memoryBound = maxInFlightBytes + 128 * mebibyte;
const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun;

beforeAll(async () => {
  directory = await temporaryDirectory();
  run = await startFramepipeRun(
    {
      ...runDefaults,
      log: { level: "debug" },
      plugins: [slowSinkPlugin],
      sources: { recall: websocketSource({ token }) },
      // 40 ms per frame, one at a time: about 25 frames/s, far below what the bot can send.
      sinks: { slow: { type: "slow", inputs: ["recall"], delay: 40 } },
      runtime: { overflow: "block", queue: 2, concurrency: 1, maxInFlightBytes: "4MiB" },
    },
    { directory: directory.path },
  );
}, 30_000);

afterAll(async () => {
  await killRun(run);
  await directory?.remove();
});

const residentMemory = "framepipe_process_resident_memory_bytes";

describe("framepipe run: overflow block with a slow sink", () => {
  it("slows the sender through TCP and keeps the receiver's memory bounded", async () => {
    // ~1.9 MB PNGs (2.5 MB messages): 160 frames put ~390 MB on the wire, far beyond the bound below.
    const images = [noisePng(800, 600, 11), noisePng(800, 600, 12)];
    const bot = createFakeRecallBot({
      url: run.addresses.websocket.recall as string,
      token,
      participants: 2,
      fps: 2,
      duration: 40,
      rate: "max",
      highWaterBytes: mebibyte,
      images: ({ participantId }) => images[participantId % 2] as Buffer,
    });
    const baseline = (await run.metrics()).value(residentMemory);
    const running = bot.run();
    // Sample the receiver's memory while the bot runs (a bound is checked, not a duration).
    let peak = baseline;
    let finished = false;
    void running.finally(() => {
      finished = true;
    });
    while (!finished) {
      peak = Math.max(peak, (await run.metrics()).value(residentMemory));
      await delay(100);
    }
    const report = await running;
    await run.waitForLog(connectionClosed(1000), "the bot closed its connection");

    expect(report.outcome).toBe("completed");
    expect(report.totals.bytesSent).toBeGreaterThan(2 * memoryBound);
    // The bot had to wait for the socket: framepipe stopped reading, TCP pushed back.
    expect(report.totals.backpressureWaits).toBeGreaterThan(0);
    expect(run.logs.filter((line) => line.msg === "websocket source paused").length).toBeGreaterThan(0);
    // Growth stays within the in-flight budget plus room for ws buffers, garbage not yet collected
    // and the allocator (about 85 MB here, whether 250 or 500 MB go through), well under what was sent.
    expect(peak - baseline).toBeLessThan(memoryBound);

    run.kill("SIGTERM");
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/received\s+160 frames/);
    expect(exit.stderr).toMatch(/written\s+160 to slow/);
    expect(exit.stderr).toMatch(/dropped\s+0/);
  }, 60_000);
});
