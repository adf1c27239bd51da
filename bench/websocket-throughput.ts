/**
 * Websocket source → null sink through `createPipeline`, beside a hand-written minimal receiver
 * (ws + `JSON.parse(data.toString())` + `Buffer.from(buffer, "base64")`, nothing else), on the
 * same realistic Recall messages from the same sender, alternating pass by pass in one run.
 * Target (issue 4): framepipe ≥ 90% of the baseline's frames/s, for 640×360 webcam frames and
 * 1280×720 screenshare frames.
 *
 * The sender runs in a child process: on 2 cores, a sender sharing the receiver's event loop
 * would charge its own CPU (masking, writes) to both candidates and hide the difference. The
 * receiver is what is measured; its process CPU share is printed to show it is the bottleneck
 * (≈ 1 core) rather than the sender. Everything listens on 127.0.0.1 only.
 *
 * Run: pnpm --filter @framepipe/bench websocket-throughput
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FrameType } from "@framepipe/core";
import { FrameLibrary, videoFrameMessage } from "@framepipe/testing";
import {
  compareMeasured,
  type MeasuredPass,
  median,
  printFigures,
  reportRatios,
  startWindow,
} from "./lib/compare-measured.js";
import { watchMachineLoad } from "./lib/machine-load.js";
import { writeMessageFile } from "./lib/message-file.js";
import { writeResult } from "./lib/results.js";
import { SenderProcess } from "./lib/sender-process.js";
import { type BenchReceiver, startFramepipeReceiver, startMinimalReceiver } from "./lib/websocket-receivers.js";

interface Workload {
  readonly name: string;
  readonly type: FrameType;
  readonly width: number;
  readonly height: number;
  /** Messages per connection per pass. */
  readonly perConnection: number;
}

const connections = 4; // four bots, one connection each
const participants = 4; // per bot
const distinctImages = 4; // per participant, cycled
const passes = 7;
const warmup = 1;
const workloads: readonly Workload[] = [
  { name: "640x360 webcam", type: "webcam", width: 640, height: 360, perConnection: 250 },
  { name: "1280x720 screenshare", type: "screenshare", width: 1280, height: 720, perConnection: 150 },
];

/** A pass that loses frames must fail, not hang: every pass finishes well within this. */
const passTimeoutMs = 120_000;

async function withinTime<T>(work: Promise<T>, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`pass timed out: ${describe()}`)), passTimeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One message set per connection: its own bot and recording ids, the same images. */
async function buildMessages(workload: Workload): Promise<Buffer[][]> {
  const library = new FrameLibrary({
    framesPerStream: distinctImages,
    sizes: { [workload.type]: { width: workload.width, height: workload.height } },
  });
  const people = Array.from({ length: participants }, (_, index) => ({ participantId: index + 1 }));
  await library.prepare(people, [workload.type]);
  const sets: Buffer[][] = [];
  for (let connection = 0; connection < connections; connection += 1) {
    const messages: Buffer[] = [];
    for (let counter = 0; counter < distinctImages; counter += 1) {
      for (const { participantId } of people) {
        const base64 = await library.base64({ participantId, type: workload.type, counter });
        const text = videoFrameMessage({
          participant: { id: participantId, name: `Participant ${participantId}` },
          type: workload.type,
          timestamp: { relative: counter / 2 },
          base64,
          recording: { id: `bench-recording-${connection}` },
          bot: { id: `bench-bot-${connection}` },
        });
        messages.push(Buffer.from(text));
      }
    }
    sets.push(messages);
  }
  return sets;
}

const machineLoad = watchMachineLoad();
const folder = await mkdtemp(join(tmpdir(), "framepipe-ws-bench-"));
const sender = SenderProcess.start();
const report: Record<string, unknown> = {};
const summaries: string[] = [];

try {
  for (const workload of workloads) {
    const sets = await buildMessages(workload);
    const files = sets.map((_, index) => join(folder, `${workload.type}-${index}.bin`));
    await Promise.all(sets.map((set, index) => writeMessageFile(files[index]!, set)));
    await sender.request({ type: "load", files }, "loaded");
    const all = sets.flat();
    const meanBytes = all.reduce((sum, message) => sum + message.length, 0) / all.length;
    const perPass = workload.perConnection * connections;
    const description =
      `${workload.name}: ${connections} connections × ${participants} participants, ${perPass} messages per pass, ` +
      `${(meanBytes / 1024).toFixed(0)} KiB mean message`;
    console.log(description);

    const senderCpu: Record<string, number[]> = { baseline: [], framepipe: [] };
    const pass = (name: string, start: () => Promise<BenchReceiver>) => async (): Promise<MeasuredPass> => {
      const receiver = await start();
      await sender.request({ type: "connect", url: receiver.url }, "connected");
      const end = startWindow();
      const received = withinTime(
        receiver.reached(perPass),
        () => `${name} received ${receiver.frames()}/${perPass}`,
      ).then(end);
      const sent = await sender.request({ type: "go", perConnection: workload.perConnection }, "sent");
      const { seconds, cpuSeconds } = await received;
      senderCpu[name]!.push(sent.cpuSeconds / seconds);
      await sender.request({ type: "close" }, "closed");
      await receiver.stop();
      if (receiver.frames() !== perPass) throw new Error(`${name} received ${receiver.frames()}/${perPass}`);
      return { seconds, cpuSeconds, items: perPass, bytes: sent.bytes };
    };

    const results = await compareMeasured(
      { baseline: pass("baseline", startMinimalReceiver), framepipe: pass("framepipe", startFramepipeReceiver) },
      { warmup, passes },
    );
    printFigures(workload.name, results);
    const { line, ...ratios } = reportRatios(results, "framepipe", "baseline", 0.9);
    summaries.push(`${workload.name}: ${line}`);
    // The sender's CPU per wall second of the timed passes (warm-up left out): well under 1 shows
    // the sender kept up, so the receiver set the pace.
    const senderShare = Object.fromEntries(
      Object.entries(senderCpu).map(([name, values]) => [name, Number(median(values.slice(-passes)).toFixed(3))]),
    );
    report[workload.name] = {
      workload: description,
      meanMessageBytes: Math.round(meanBytes),
      results,
      senderCpuPerWallSecond: senderShare,
      ...ratios,
    };
  }
} finally {
  await sender.exit();
  await rm(folder, { recursive: true, force: true });
}

const file = await writeResult("websocket-throughput", "pnpm --filter @framepipe/bench websocket-throughput", {
  loadAverage: machineLoad(),
  setup:
    "sender in a child process (ws client, bufferutil, pre-built messages, ≤ 4 MiB unsent per connection); " +
    "receiver measured in the parent; 127.0.0.1; runtime defaults (concurrency 8, queue 64, block)",
  ...report,
  target: "framepipe ≥ 90% of the minimal receiver's frames/s",
});
console.log(summaries.join("\n"));
console.log(`wrote ${file}`);
