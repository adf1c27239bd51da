import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { createFakeRecallBot, type FakeRecallBotReport } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsServer } from "../../../sink-nats/test/support/nats-server.js";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { connectionClosed, type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { readWrittenStreams, seqsUpTo, type WrittenStream } from "./support/written-streams.js";

// Scale-out over NATS JetStream with real processes: an ingest node (`framepipe run`: websocket →
// nats) fed by the simulated Recall bot, and a worker (`framepipe run`: nats → fs) on the same
// nats-server (started by the project's vitest setup with scripts/nats/start.sh, max_payload 8 MB).
// Frames are the simulator's realistic PNGs: 480×360 webcams and a 1280×720 screenshare.
const framesPerStream = 12;
const runFile = promisify(execFile);
const token = randomToken();
const id = randomUUID().slice(0, 8);
const bus = { servers: "", stream: `E2E_${id}`, subjectPrefix: `e2e${id}.frames` };
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let ingest: FramepipeRun;
let worker: FramepipeRun;
let report: FakeRecallBotReport;
let streams: WrittenStream[];
let activeGroupsBeforeStop = -1;
let videosFinishedBeforeStop: string[] = [];

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
  worker = await startFramepipeRun(
    {
      ...runDefaults,
      sources: { bus: { type: "nats", ...bus, durable: `workers_${id}` } },
      sinks: {
        disk: fsSink(["bus"], out),
        // One mp4 per participant stream: finished by the leave that came through NATS.
        videos: { type: "video", inputs: ["bus"], dir: join(directory.path, "videos"), fps: 4 },
      },
    },
    { directory: directory.path, fileName: "worker.json" },
  );
  const bot = createFakeRecallBot({
    url: ingest.addresses.websocket.recall as string,
    token,
    bots: 1,
    participants: 3,
    screenshare: 1,
    fps: 4,
    duration: framesPerStream / 4,
    rate: "max",
  });
  report = await bot.run();
  await ingest.waitForLogs(connectionClosed(1000), 1, "the bot closed its connection");
  // Every frame written by the worker, and every participant's leave passed on (4 streams).
  await worker.waitForMetric("framepipe_frames_sent_total", { component: "disk" }, 4 * framesPerStream, 60_000);
  // The participants' leave reaches the worker through NATS: its groups close (idleTimeout is 120 s).
  const deadline = Date.now() + 20_000;
  const first = await worker.metrics();
  if (!first.samples.some((sample) => sample.name === "framepipe_active_groups")) {
    throw new Error("the worker exports no framepipe_active_groups");
  }
  activeGroupsBeforeStop = first.value("framepipe_active_groups");
  while (activeGroupsBeforeStop > 0) {
    if (Date.now() > deadline) throw new Error(`the worker still has ${activeGroupsBeforeStop} open groups after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    activeGroupsBeforeStop = (await worker.metrics()).value("framepipe_active_groups");
  }
  // Each stream's video is finished once its group ended, before any stop.
  const finished = await worker.waitForMetric(
    "framepipe_video_sink_files_finished_total",
    { component: "videos" },
    4,
    20_000,
  );
  videosFinishedBeforeStop = finished.samples
    .filter((sample) => sample.name === "framepipe_video_sink_files_finished_total" && sample.value > 0)
    .map((sample) => `${sample.labels.reason} ${sample.value}`);
  ingest.kill("SIGTERM");
  worker.kill("SIGTERM");
  await Promise.all([ingest.exited, worker.exited]);
  streams = await readWrittenStreams(out);
}, 120_000);

afterAll(async () => {
  await killRun(ingest);
  await killRun(worker);
  await directory?.remove();
});

describe("framepipe run ×2 over NATS JetStream: websocket → nats, then nats → fs", () => {
  it("the bot sent its whole meeting", () => {
    expect(report.outcome).toBe("completed");
    expect(report.totals.framesSent).toBe(4 * framesPerStream);
  });

  it("every frame lands exactly once, in order per stream", () => {
    expect(streams).toHaveLength(4);
    for (const stream of streams) {
      expect(stream.seqs).toEqual(seqsUpTo(framesPerStream));
      const manifest = stream.manifest ?? [];
      expect(manifest.map((line) => line.seq)).toEqual(seqsUpTo(framesPerStream));
      // Capture times strictly increase: the worker saw each stream in the order the bot sent it.
      const times = manifest.map((line) => line.relative);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size).toBe(times.length);
    }
  });

  it("the participants' leave travelled through NATS: the worker ended their groups before any stop", () => {
    expect(activeGroupsBeforeStop).toBe(0);
    expect(streams.every((stream) => stream.manifest?.length === framesPerStream)).toBe(true);
  });

  it("the leave finished each participant stream's video on the worker, before any stop", async () => {
    expect(videosFinishedBeforeStop).toEqual(["end-stream 4"]);
    const videos = (await readdir(join(directory.path, "videos"), { recursive: true })).filter((file) =>
      file.endsWith(".mp4"),
    );
    expect(videos).toHaveLength(4);
    for (const video of videos) {
      // ffprobe reads the whole file: a complete mp4 with the stream's frames.
      const { stdout } = await runFile("ffprobe", [
        ...["-v", "error", "-count_frames", "-select_streams", "v:0"],
        ...["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", join(directory.path, "videos", video)],
      ]);
      expect(Number(stdout.trim())).toBeGreaterThanOrEqual(framesPerStream);
    }
  });
});
