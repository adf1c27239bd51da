import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { createFakeRecallBot, type FakeRecallBotReport } from "@framepipe/testing";
import { connect } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import {
  connectionClosed,
  type FramepipeRun,
  killRun,
  type RunExit,
  startFramepipeRun,
} from "./support/framepipe-process.js";
import { type RestartableNatsServer, startRestartableNatsServer } from "./support/restartable-nats-server.js";
import { readWrittenStreams, seqsUpTo, type WrittenStream } from "./support/written-streams.js";

// nats-server stopped and started again (same port, same JetStream store) while a meeting flows
// through real processes: an ingest node (`framepipe run`: websocket → nats) fed by the simulated
// bot in real time, and a worker (`framepipe run`: nats → fs). The server is this file's own
// (support/restartable-nats-server.ts), not the project's shared one, which other files use.
const fps = 4;
const framesPerStream = 28; // 7 s of meeting at 4 fps: the restart falls in the middle of it
const streamCount = 3; // 2 participants' webcams and 1 screenshare
const totalFrames = streamCount * framesPerStream;
const token = randomToken();
const id = randomUUID().slice(0, 8);
const bus = { stream: `RESTART_${id}`, subjectPrefix: `restart${id}.frames`, partitions: 4 };
let nats: RestartableNatsServer;
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let ingest: FramepipeRun;
let worker: FramepipeRun;
let report: FakeRecallBotReport;
let ingestExit: RunExit;
let workerExit: RunExit;
let writtenBeforeStop = 0;
let streams: WrittenStream[];

/**
 * Polls JetStream until the stream's consumers (the worker's: one per partition it owns, or one
 * for all) hold nothing, no message waiting and none delivered and unacknowledged, and the
 * work-queue stream is empty: every frame was acknowledged. An acknowledgement lost in the
 * restart shows here as a message redelivered after `ackWait` (2 s below), which the worker then
 * writes again, so the files are read only after this.
 */
async function waitUntilEverythingAcknowledged(url: string, timeoutMs: number): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    const manager = await connection.jetstreamManager();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const consumers = await manager.consumers.list(bus.stream).next();
      const waiting = consumers.reduce((sum, consumer) => sum + consumer.num_pending, 0);
      const unacknowledged = consumers.reduce((sum, consumer) => sum + consumer.num_ack_pending, 0);
      const { state } = await manager.streams.info(bus.stream);
      if (consumers.length > 0 && waiting === 0 && unacknowledged === 0 && state.messages === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `after ${timeoutMs} ms the ${consumers.length} consumers still have ${waiting} messages waiting and ` +
            `${unacknowledged} unacknowledged; the stream holds ${state.messages}`,
        );
      }
      await delay(100);
    }
  } finally {
    await connection.close();
  }
}

/**
 * Polls `/ready` of `run` until it answers 200: the ingest node's nats sink published again
 * (a failing sink makes `/ready` answer 503 until one of its writes succeeds).
 */
async function waitUntilReady(run: FramepipeRun, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${run.addresses.api}/ready`);
    if (response.status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`/ready still answers ${response.status} after ${timeoutMs} ms: ${await response.text()}`);
    }
    await delay(50);
  }
}

/** The failure message of a bounded wait, with the processes' last logs and the server's log. */
async function explain(error: unknown): Promise<Error> {
  const last = (run: FramepipeRun | undefined) =>
    (run?.logs ?? [])
      .slice(-15)
      .map((line) => JSON.stringify(line))
      .join("\n");
  const serverLog = (await nats.log()).split("\n").slice(-15).join("\n");
  return new Error(
    `${(error as Error).message}\n--- ingest logs\n${last(ingest)}\n--- worker logs\n${last(worker)}\n` +
      `--- nats-server log\n${serverLog}`,
  );
}

beforeAll(async () => {
  nats = await startRestartableNatsServer();
  directory = await temporaryDirectory();
  const out = join(directory.path, "frames");
  ingest = await startFramepipeRun(
    {
      ...runDefaults,
      sources: { recall: websocketSource({ token }) },
      // A short ackTimeout: a publish lost with the server fails (and is retried) within 1 s.
      sinks: { bus: { type: "nats", inputs: ["recall"], servers: nats.url, ackTimeout: "1s", ...bus } },
    },
    { directory: directory.path, fileName: "ingest.json" },
  );
  worker = await startFramepipeRun(
    {
      ...runDefaults,
      // No `assigned`: one worker owns every partition. A short ackWait makes a lost
      // acknowledgement come back (as a redelivery) within the test.
      sources: { bus: { type: "nats", servers: nats.url, durable: `workers_${id}`, ackWait: "2s", ...bus } },
      sinks: { disk: fsSink(["bus"], out) },
    },
    { directory: directory.path, fileName: "worker.json" },
  );
  const bot = createFakeRecallBot({
    url: ingest.addresses.websocket.recall as string,
    token,
    participants: 2,
    screenshare: 1,
    fps,
    duration: framesPerStream / fps,
    images: "tiny",
  });
  const meeting = bot.run();
  try {
    // Mid-stream: the worker has written some frames (about 1 s of the 7 s meeting).
    await worker.waitForMetric("framepipe_frames_sent_total", { component: "disk" }, streamCount * fps, 20_000);
    writtenBeforeStop = (await worker.metrics()).value("framepipe_frames_sent_total", { component: "disk" });
    await nats.stop();
    // The ingest node's next publish fails: its sink reports failing (/ready 503) and retries.
    await ingest.waitForLog(
      (line) => line.component === "sink:nats#bus" && line.msg.startsWith("sink failing"),
      "the nats sink reported failing while nats-server was down",
    );
    expect((await fetch(`${ingest.addresses.api}/ready`)).status).toBe(503);
    // The worker, cut off from NATS, reports its source failing too.
    await worker.waitForLog(
      (line) => line.component === "source:nats#bus" && line.msg.startsWith("source failing"),
      "the nats source reported failing while nats-server was down",
    );
    expect((await fetch(`${worker.addresses.api}/ready`)).status).toBe(503);
    await nats.start();
    await waitUntilReady(ingest, 20_000);
    await waitUntilReady(worker, 20_000);
    report = await meeting;
    await ingest.waitForLogs(connectionClosed(1000), 1, "the bot closed its connection");
    await worker.waitForMetric("framepipe_frames_sent_total", { component: "disk" }, totalFrames, 30_000);
    await waitUntilEverythingAcknowledged(nats.url, 20_000);
    // The leaves travelled through NATS too: the worker closes each participant's group.
    const deadline = Date.now() + 20_000;
    while ((await worker.metrics()).value("framepipe_active_groups") > 0) {
      if (Date.now() > deadline) throw new Error("the worker still has open groups 20 s after the meeting ended");
      await delay(100);
    }
  } catch (error) {
    bot.stop();
    throw await explain(error);
  }
  ingest.kill("SIGTERM");
  worker.kill("SIGTERM");
  [ingestExit, workerExit] = await Promise.all([ingest.exited, worker.exited]);
  streams = await readWrittenStreams(out);
}, 60_000);

afterAll(async () => {
  await killRun(ingest);
  await killRun(worker);
  await nats?.remove();
  await directory?.remove();
});

describe("framepipe run ×2 over NATS JetStream, nats-server restarted mid-stream", () => {
  it("the restart fell in the middle of the meeting, and the bot sent all of it", () => {
    expect(writtenBeforeStop).toBeGreaterThan(0);
    expect(writtenBeforeStop).toBeLessThan(totalFrames);
    expect(report.outcome).toBe("completed");
    expect(report.totals.framesSent).toBe(totalFrames);
    expect(report.totals.skippedFrames).toBe(0);
  });

  it("the ingest node lost nothing: every frame published, none dropped or failed", () => {
    expect(ingestExit.code).toBe(0);
    expect(ingestExit.stderr).toMatch(new RegExp(`received\\s+${totalFrames} frames`));
    expect(ingestExit.stderr).toMatch(new RegExp(`written\\s+${totalFrames} to bus`));
    expect(ingestExit.stderr).toMatch(/dropped\s+0\n/);
    expect(ingestExit.stderr).toMatch(/failed\s+0\n/);
    expect(ingestExit.stderr).toMatch(/unwritten\s+0/);
  });

  it("every frame lands on the worker's disk exactly once, in capture order per stream", () => {
    expect(workerExit.code).toBe(0);
    expect(streams).toHaveLength(streamCount);
    for (const stream of streams) {
      const where = `${stream.participant}/${stream.type}`;
      expect(stream.seqs, where).toEqual(seqsUpTo(framesPerStream));
      const manifest = stream.manifest ?? [];
      expect(
        manifest.map((line) => line.seq),
        where,
      ).toEqual(seqsUpTo(framesPerStream));
      // The bot's capture times, 1/fps apart: each exactly once and in order.
      expect(
        manifest.map((line) => line.relative),
        where,
      ).toEqual(seqsUpTo(framesPerStream).map((tick) => tick / fps));
    }
  });
});
