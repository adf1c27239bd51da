import { setTimeout as delay } from "node:timers/promises";
import { canMountSmallDisk, createFakeRecallBot, mountSmallDisk, type SmallDisk } from "@framepipe/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { connectionClosed, type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";

/**
 * `framepipe run` writing to a read-only disk (a tmpfs remounted read-only; mounting needs root,
 * as in CI): the API says which sink fails while it fails, and a run that lost frames to errors
 * says how many and why, and exits 2.
 */

const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let disk: SmallDisk | undefined;
let run: FramepipeRun | undefined;

beforeEach(async () => {
  directory = await temporaryDirectory();
});

afterEach(async () => {
  await killRun(run);
  run = undefined;
  await disk?.remove();
  disk = undefined;
  await directory.remove();
});

/** Polls `url` every 25 ms until `predicate` holds for its JSON reply; gives up after 20 s. */
async function pollJson(url: string, predicate: (status: number, body: unknown) => boolean, description: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await fetch(url);
    const body: unknown = await response.json();
    if (predicate(response.status, body)) return { status: response.status, body };
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}; last: ${JSON.stringify(body)}`);
    await delay(25);
  }
}

describe.skipIf(!canMountSmallDisk)("framepipe run: a read-only disk", () => {
  it("names the failing sink on /ready and /health, and reports the lost frames with exit code 2", async () => {
    disk = await mountSmallDisk();
    await disk.readOnly();
    const started = await startFramepipeRun(
      {
        ...runDefaults,
        sources: { recall: websocketSource({ token }) },
        // A short retryFor, so the frames are given up in seconds rather than after the default 5 minutes.
        sinks: { disk: { type: "fs", inputs: ["recall"], dir: disk.path, retryFor: "1s" } },
      },
      { directory: directory.path },
    );
    run = started;
    const report = await createFakeRecallBot({
      url: started.addresses.websocket.recall as string,
      token,
      participants: 2,
      fps: 10,
      duration: 1,
      rate: "max",
      images: "tiny",
    }).run();
    expect(report.outcome).toBe("completed");
    const sent = report.totals.framesSent;
    await started.waitForLog(connectionClosed(1000), "the bot closed its connection");

    const failing = { component: "disk", label: "sink:fs#disk", reason: "read-only file system (EROFS)" };
    const ready = await pollJson(`${started.addresses.api}/ready`, (status) => status === 503, "/ready to fail");
    expect(ready.body).toMatchObject({ status: "failing", failing: [failing] });
    const health = await fetch(`${started.addresses.api}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "degraded", failing: [failing] });

    await started.waitForMetric("framepipe_frames_dropped_total", { component: "disk", reason: "error" }, sent);
    started.kill("SIGTERM");
    const exit = await started.exited;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(new RegExp(`received\\s+${sent} frames`));
    expect(exit.stderr).toMatch(
      new RegExp(
        `failed\\s+${sent} frames lost to errors\\n\\s+${sent} at sink:fs#disk: read-only file system \\(EROFS\\)`,
      ),
    );
    expect(exit.stderr).toMatch(/unwritten\s+0$/m);
  }, 60_000);
});
