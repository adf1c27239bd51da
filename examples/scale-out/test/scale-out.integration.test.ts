import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createFakeRecallBot, type FakeRecallBotReport } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../../packages/cli/test/e2e/support/e2e-config.js";
import {
  connectionClosed,
  type FramepipeRun,
  killRun,
  type RunExit,
  startFramepipeRunOnFile,
} from "../../../packages/cli/test/e2e/support/framepipe-process.js";
import {
  readWrittenStreams,
  seqsUpTo,
  type WrittenStream,
} from "../../../packages/cli/test/e2e/support/written-streams.js";
import { natsServer } from "../../../packages/sink-nats/test/support/nats-server.js";

// The example's own ingest.yaml and worker.yaml, as they are, in real processes: one ingest node
// fed by the simulated Recall bot, and two workers sharing the 8 partitions, on the nats-server
// this project's vitest.setup.ts starts. Variables point the files at it, at free ports and at a
// temporary output folder.
const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
const fps = 2;
const framesPerStream = 6;
const streamCount = 3; // 2 participants' webcams and 1 screenshare
const totalFrames = streamCount * framesPerStream;
const partitions = 8;
const token = randomBytes(16).toString("hex");
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let ingest: FramepipeRun;
let workers: FramepipeRun[] = [];
let report: FakeRecallBotReport;
let ingestExit: RunExit;
let workerExits: RunExit[];
let streams: WrittenStream[];
let groupsEndedBeforeStop = false;

const isLog = (message: string) => (line: { msg: string }) => line.msg === message;

/** Sum of `framepipe_frames_sent_total{component="disk"}` over the workers: thumbnails written. */
async function thumbnailsWritten(): Promise<number> {
  const snapshots = await Promise.all(workers.map((worker) => worker.metrics()));
  return snapshots.reduce(
    (sum, snapshot) => sum + snapshot.value("framepipe_frames_sent_total", { component: "disk" }),
    0,
  );
}

/** Polls the workers until `done` holds, for at most `timeoutMs`; `what` names it in the error. */
async function waitForWorkers(done: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await delay(50);
  }
}

beforeAll(async () => {
  directory = await temporaryDirectory();
  const env = {
    FRAMEPIPE_TOKEN: token,
    FRAMEPIPE_PORT: "0",
    FRAMEPIPE_API_PORT: "0",
    FRAMEPIPE_NATS_URL: natsServer().url,
    FRAMES_DIR: join(directory.path, "frames"),
  };
  const options = { cwd: directory.path, env };
  // The ingest node creates the stream; the workers need it to exist.
  ingest = await startFramepipeRunOnFile(join(exampleDirectory, "ingest.yaml"), options);
  const first = await startFramepipeRunOnFile(join(exampleDirectory, "worker.yaml"), options);
  workers = [first];
  await first.waitForLogs(isLog("partition claimed"), partitions, "the first worker claimed every partition");
  const second = await startFramepipeRunOnFile(join(exampleDirectory, "worker.yaml"), options);
  workers.push(second);
  // The second worker gets its share (half) from the first before the meeting starts.
  await second.waitForLogs(isLog("partition claimed"), partitions / 2, "the second worker claimed its share");
  await first.waitForLogs(isLog("partition given back"), partitions / 2, "the first worker gave its share back");

  const bot = createFakeRecallBot({
    url: ingest.addresses.websocket.recall as string,
    token,
    participants: 2,
    screenshare: 1,
    fps,
    duration: framesPerStream / fps,
    rate: "max",
  });
  report = await bot.run();
  await ingest.waitForLogs(connectionClosed(1000), 1, "the bot closed its connection");
  await waitForWorkers(async () => (await thumbnailsWritten()) >= totalFrames, "every thumbnail written", 30_000);
  // The participants' leave travels through NATS to the worker that owns them: their groups end.
  await waitForWorkers(
    async () => {
      const snapshots = await Promise.all(workers.map((worker) => worker.metrics()));
      return snapshots.every((snapshot) => snapshot.value("framepipe_active_groups") === 0);
    },
    "the workers ended every participant's group",
    20_000,
  );
  groupsEndedBeforeStop = true;
  // Read before any stop: the fs sink writes a stream's manifest when the stream ends, so complete
  // manifests now show that the leaves (not the shutdown) ended the streams.
  const recording = bot.identities[0]?.recordingId;
  streams = (await readWrittenStreams(env.FRAMES_DIR)).filter((stream) => stream.recording === recording);
  for (const run of [ingest, ...workers]) run.kill("SIGTERM");
  [ingestExit, ...workerExits] = await Promise.all([ingest.exited, ...workers.map((worker) => worker.exited)]);
}, 60_000);

afterAll(async () => {
  await killRun(ingest);
  for (const worker of workers) await killRun(worker);
  await directory?.remove();
});

describe("examples/scale-out: ingest.yaml → NATS JetStream → worker.yaml ×2", () => {
  it("the ingest node published the whole meeting", () => {
    expect(report.outcome).toBe("completed");
    expect(report.totals.framesSent).toBe(totalFrames);
    expect(ingestExit.code).toBe(0);
    expect(ingestExit.stderr).toMatch(new RegExp(`written\\s+${totalFrames} to bus`));
  });

  it("every frame's thumbnail lands once, in order per stream, bounded by 320×180", () => {
    expect(workerExits.map((exit) => exit.code)).toEqual([0, 0]);
    expect(streams.map((stream) => stream.type).sort()).toEqual(["screenshare", "webcam", "webcam"]);
    for (const stream of streams) {
      const where = `${stream.participant}/${stream.type}`;
      expect(stream.files, where).toEqual(
        // `<seq>-<capture ms>.jpg`: the path names each frame (a redelivered frame is kept once).
        seqsUpTo(framesPerStream).map((seq) => `${String(seq).padStart(6, "0")}-${(seq * 1000) / fps}.jpg`),
      );
      const size = stream.type === "screenshare" ? "320×180" : "240×180";
      expect(
        (stream.manifest ?? []).map(
          (line) => `${line.seq} ${line.relative} ${line.width}×${line.height} ${line.format}`,
        ),
        where,
      ).toEqual(seqsUpTo(framesPerStream).map((seq) => `${seq} ${seq / fps} ${size} jpeg`));
    }
  });

  it("each participant's leave reached its worker through NATS: groups ended and manifests closed before any stop", () => {
    expect(groupsEndedBeforeStop).toBe(true);
    expect(streams.every((stream) => stream.manifest?.length === framesPerStream)).toBe(true);
  });
});
