import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { createFakeRecallBot, type FakeRecallBotReport } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsServer } from "../../../sink-nats/test/support/nats-server.js";
import {
  randomToken,
  runDefaults,
  slowSinkPlugin,
  slowTransformPlugin,
  temporaryDirectory,
  websocketSource,
} from "./support/e2e-config.js";
import { connectionClosed, type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { framePathTemplate, readWrittenStreams, seqsUpTo, type WrittenStream } from "./support/written-streams.js";

// Scale-out with two workers sharing four partitions by lease, and one of them killed with SIGKILL
// in the middle of the meeting: real `framepipe run` processes (an ingest node fed by the
// simulated Recall bot, two workers writing to one folder) on the project's nats-server. The
// survivor must take the dead worker's partitions over: every frame on disk exactly once, and each
// stream's files written in capture order.
const partitions = 4;
const fps = 4;
const framesPerStream = 32; // 8 s of meeting at 4 fps: the kill lands in the middle
const streamCount = 7; // 6 webcams and 1 screenshare
const token = randomToken();
const id = randomUUID().slice(0, 8);
const bus = { servers: "", stream: `TAKEOVER_${id}`, subjectPrefix: `takeover${id}.frames`, partitions };
const owned = "framepipe_nats_source_partitions_owned";
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let ingest: FramepipeRun;
let survivor: FramepipeRun;
let victim: FramepipeRun;
let report: FakeRecallBotReport;
let streams: WrittenStream[];
let writtenByVictim = 0;
let duplicatesKept = -1;

/**
 * A worker writing to `out`. A `lagging` one is slower than the meeting (4 fps per stream): each
 * frame waits 300 ms in a transform before the fs sink, and 500 ms in a second sink that holds its
 * acknowledgement. When it dies it leaves both kinds of unacknowledged frames: received but not
 * written yet (they must come first on the survivor, before newer frames of their streams), and
 * written but not acknowledged (they come again and must be kept once).
 */
function worker(name: string, out: string, lagging = false): Promise<FramepipeRun> {
  // The capture time in the path names each frame: a redelivered frame is kept once.
  const disk = (input: string) => ({
    type: "fs",
    inputs: [input],
    dir: out,
    path: framePathTemplate,
    manifest: true,
  });
  const source = { bus: { type: "nats", ...bus, durable: `pool_${id}`, leaseTtl: "2s", ackWait: "30s" } };
  const config = lagging
    ? {
        plugins: [slowSinkPlugin, slowTransformPlugin],
        sources: source,
        transforms: { lag: { type: "slow-pass", inputs: ["bus"], delay: 300 } },
        sinks: { disk: disk("lag"), hold: { type: "slow", inputs: ["bus"], delay: 500 } },
      }
    : { sources: source, sinks: { disk: disk("bus") } };
  return startFramepipeRun({ ...runDefaults, ...config }, { directory: directory.path, fileName: `${name}.json` });
}

/** Polls a worker's owned-partitions gauge until it reads `count` (bounded). */
async function owns(run: FramepipeRun, count: number, description: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = (await run.metrics()).value(owned, { component: "bus" });
    if (value === count) return;
    if (Date.now() > deadline) throw new Error(`${description}: owns ${value} partitions, not ${count}, after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function filesOnDisk(out: string): Promise<number> {
  return (await readWrittenStreams(out)).reduce((sum, stream) => sum + stream.files.length, 0);
}

beforeAll(async () => {
  bus.servers = natsServer().url;
  directory = await temporaryDirectory();
  const out = join(directory.path, "frames");
  ingest = await startFramepipeRun(
    {
      ...runDefaults,
      sources: { recall: websocketSource({ token }) },
      sinks: { bus: { type: "nats", inputs: ["recall"], ...bus } },
    },
    { directory: directory.path, fileName: "ingest.json" },
  );
  victim = await worker("victim", out, true);
  await owns(victim, partitions, "the first worker alone");
  survivor = await worker("survivor", out);
  await owns(survivor, partitions / 2, "the second worker after joining");
  await owns(victim, partitions / 2, "the first worker after giving half back");

  const bot = createFakeRecallBot({
    url: ingest.addresses.websocket.recall as string,
    token,
    bots: 1,
    participants: 6,
    screenshare: 1,
    fps,
    duration: framesPerStream / fps,
    rate: "realtime",
  });
  const meeting = bot.run();
  // Mid-meeting, once the first worker has written some frames of its partitions: kill it.
  const snapshot = await victim.waitForMetric("framepipe_frames_sent_total", { component: "disk" }, 8, 30_000);
  writtenByVictim = snapshot.value("framepipe_frames_sent_total", { component: "disk" });
  victim.kill("SIGKILL");
  await victim.exited;
  report = await meeting;
  await ingest.waitForLogs(connectionClosed(1000), 1, "the bot closed its connection");
  // The survivor claims the dead worker's partitions once their leases expire (2 s)…
  await owns(survivor, partitions, "the survivor after the takeover");
  // …and writes what the dead worker left: every frame the bot sent is on disk.
  const deadline = Date.now() + 60_000;
  while ((await filesOnDisk(out)) < streamCount * framesPerStream) {
    if (Date.now() > deadline) throw new Error(`only ${await filesOnDisk(out)} frames on disk after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  duplicatesKept = (await survivor.metrics()).value("framepipe_fs_sink_duplicates_total", { component: "disk" });
  ingest.kill("SIGTERM");
  survivor.kill("SIGTERM");
  await Promise.all([ingest.exited, survivor.exited]);
  streams = await readWrittenStreams(out);
}, 180_000);

afterAll(async () => {
  await killRun(ingest);
  await killRun(victim);
  await killRun(survivor);
  await directory?.remove();
});

describe("framepipe run: two workers over NATS, one killed with SIGKILL mid-meeting", () => {
  it("the bot sent its whole meeting, and the killed worker had written part of it", () => {
    expect(report.outcome).toBe("completed");
    expect(report.totals.framesSent).toBe(streamCount * framesPerStream);
    expect(writtenByVictim).toBeGreaterThanOrEqual(8);
    expect(writtenByVictim).toBeLessThan(streamCount * framesPerStream);
  });

  it("the survivor took the dead worker's partitions over, resuming them at their first unacknowledged frame", () => {
    const claimed = survivor.logs.filter((line) => line.msg === "partition claimed");
    // Two at the start, two at the takeover.
    expect(claimed).toHaveLength(partitions);
  });

  it("every frame is on disk exactly once: each stream's seqs are 0 … n-1", () => {
    expect(streams).toHaveLength(streamCount);
    for (const stream of streams) expect(stream.seqs).toEqual(seqsUpTo(framesPerStream));
  });

  it("frames the dead worker had written but not acknowledged came again, and were kept once", () => {
    // Resumed at the first unacknowledged message: without that, they would come back only after
    // ackWait (30 s), after newer frames of their streams.
    expect(survivor.logs.some((line) => line.msg.startsWith("partition resumed at its first unacknowledged"))).toBe(
      true,
    );
    expect(duplicatesKept).toBeGreaterThan(0);
  });

  it("each stream's files were written in capture order, across the two workers", async () => {
    for (const stream of streams) {
      const folder = join(directory.path, "frames", stream.recording, stream.participant, stream.type);
      const writtenAt: bigint[] = [];
      for (const file of stream.files) writtenAt.push((await stat(join(folder, file), { bigint: true })).mtimeNs);
      const sorted = [...writtenAt].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(writtenAt).toEqual(sorted);
    }
  });

  it("the ingest node lost nothing: it exited cleanly", async () => {
    expect((await ingest.exited).code).toBe(0);
  });
});
