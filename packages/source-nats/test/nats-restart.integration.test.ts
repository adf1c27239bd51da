import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPipeline, type Pipeline } from "@framepipe/core";
import natsSink from "@framepipe/sink-nats";
import { createCollectSink, createTestContext, createTestStream } from "@framepipe/testing";
import { connect } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import natsSource from "../src/index.js";

// A nats-server of this test's own, stopped and started again (same port and store) while a
// worker consumes: the durable consumer survives, and the worker's pull loop reconnects.
const run = promisify(execFile);
const scripts = fileURLToPath(new URL("../../../scripts/nats/", import.meta.url));
let folder: string;
let url: string;
let worker: Pipeline | undefined;

async function script(name: "start.sh" | "stop.sh", keep = false): Promise<void> {
  const env = { ...process.env, FRAMEPIPE_NATS_DIR: folder, ...(keep ? { FRAMEPIPE_NATS_KEEP_DIR: "1" } : {}) };
  await run("bash", [`${scripts}${name}`], { env, timeout: 60_000 });
}

async function publish(frames: ReturnType<typeof createTestStream>): Promise<void> {
  const options = natsSink.options.parse({ servers: url, stream: "RESTART" });
  const sink = await natsSink.create(options, createTestContext({ kind: "sink", type: "nats" }));
  for (const frame of frames) await sink.write(frame);
  await sink.close?.();
}

/** True once the consumer has no message delivered and unacknowledged. */
async function acknowledgedAll(durable: string): Promise<boolean> {
  const admin = await connect({ servers: url });
  try {
    const info = await (await admin.jetstreamManager()).consumers.info("RESTART", durable);
    return info.num_ack_pending === 0 && info.num_pending === 0;
  } finally {
    await admin.close();
  }
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "framepipe-nats-source-restart-"));
  await script("start.sh");
  url = /FRAMEPIPE_NATS_URL=(\S+)/.exec(await readFile(join(folder, "env"), "utf8"))?.[1] ?? "";
});

afterAll(async () => {
  await worker?.stop().catch(() => undefined);
  await script("stop.sh").catch(() => undefined);
  await rm(folder, { recursive: true, force: true });
});

describe("nats source across a nats-server restart", () => {
  it("keeps consuming the same durable consumer once the server is back", async () => {
    const frames = createTestStream({ participants: 1, frames: 10 });
    await publish(frames.slice(0, 5));
    const collect = createCollectSink();
    worker = await createPipeline(
      {
        version: 1,
        sources: { bus: { type: "nats", servers: url, stream: "RESTART", durable: "restart" } },
        sinks: { out: { type: "collect", inputs: ["bus"] } },
      },
      { plugins: [natsSource, collect.definition] },
    );
    await worker.start();
    await collect.waitFor(5);
    // The acknowledgements of the first five reach the server before it goes away.
    await expect.poll(() => acknowledgedAll("restart-0"), { timeout: 10_000 }).toBe(true);

    await script("stop.sh", true);
    // Cut off from NATS, the worker reports itself failing (/ready 503)…
    await expect
      .poll(() => worker?.stats().failing.map((failing) => failing.label), { timeout: 10_000 })
      .toEqual(["source:nats#bus"]);
    await script("start.sh");
    // …until the client reconnected.
    await expect.poll(() => worker?.stats().failing, { timeout: 20_000 }).toEqual([]);
    await publish(frames.slice(5));
    await collect.waitFor(10);
    expect(collect.frames.map((frame) => frame.timestamp.relative)).toEqual(
      frames.map((frame) => frame.timestamp.relative),
    );
  }, 60_000);
});
