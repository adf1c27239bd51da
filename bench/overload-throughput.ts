/**
 * Work kept under overload (issue 12 item 4): 40 participants offer realistic 480×360 webcam
 * frames at more than resize can take, through `resize → fs`, once per overflow policy. The
 * figure is frames written per second: `drop-oldest` must write at least as many as `block` (the
 * baseline, which loses nothing but slows the senders), since it may only give up frames no work
 * was spent on. Beside it, the age of a frame when written (receive to write): the freshness that
 * dropping buys.
 *
 * Policies take turns (block, drop-oldest, drop-newest, block, …) so other load on the machine
 * falls on each about equally. Run: pnpm --filter @framepipe/bench overload-throughput
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPipeline, defineSink, defineSource, type RecallEvent } from "@framepipe/core";
import fsSink from "@framepipe/sink-fs";
import { FrameLibrary } from "@framepipe/testing";
import resize from "@framepipe/transform-resize";
import { Subject } from "rxjs";
import { z } from "zod";
import { incomingFrame } from "./lib/incoming-frame.js";
import { writeResult } from "./lib/results.js";

const settings = {
  participants: 40,
  /** Offered per participant: 8 frames/s, four times Recall's 2 fps, so 320 frames/s in all. */
  framesPerSecondEach: 8,
  seconds: 10,
  rounds: 2,
  queue: 16,
  maxInFlightBytes: 128 * 2 ** 20,
  resize: { width: 320, format: "jpeg", quality: 80 },
};
const policies = ["block", "drop-oldest", "drop-newest"] as const;
type Policy = (typeof policies)[number];

interface Pass {
  readonly policy: Policy;
  readonly offered: number;
  /** Frames the senders could not send while the pipeline had paused them (`block`). */
  readonly senderSlowed: number;
  readonly written: number;
  readonly writtenPerSecond: number;
  readonly dropped: Record<string, number>;
  readonly medianAgeMilliseconds: number;
  readonly p95AgeMilliseconds: number;
  readonly cpuMillisecondsPerWrittenFrame: number;
}

const library = new FrameLibrary({ framesPerStream: 4 });
const pngs = await Promise.all(
  Array.from({ length: 4 }, (_, counter) => library.png({ participantId: 1, type: "webcam", counter })),
);

async function runPass(policy: Policy): Promise<Pass> {
  const root = await mkdtemp(join(tmpdir(), "framepipe-overload-throughput-"));
  const ages: number[] = [];
  let paused = false;
  const events = new Subject<RecallEvent>();
  const source = defineSource({
    type: "overload",
    summary: "bench sender",
    options: z.strictObject({}),
    create: () => ({
      events$: events,
      pause: () => {
        paused = true;
      },
      resume: () => {
        paused = false;
      },
      stop: () => events.complete(),
    }),
  });
  // The real fs sink, timed: each write records the frame's age (receive to written).
  const timedFiles = defineSink({
    type: "timed-fs",
    summary: "the fs sink, recording each frame's age when written",
    options: fsSink.options,
    async create(options, context) {
      const inner = await fsSink.create(options, context);
      return {
        async write(frame) {
          await inner.write(frame);
          ages.push(performance.now() - frame.receivedAt);
        },
        endStream: (stream) => inner.endStream?.(stream),
        endGroup: (group) => inner.endGroup?.(group),
        close: () => inner.close?.(),
      };
    },
  });
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: { sender: { type: "overload" } },
      transforms: { small: { type: "resize", inputs: ["sender"], ...settings.resize } },
      sinks: {
        files: { type: "timed-fs", inputs: ["small"], dir: root, path: "{participant.id}/{seq}.{ext}" },
      },
      runtime: {
        overflow: policy,
        queue: settings.queue,
        maxInFlightBytes: settings.maxInFlightBytes,
        shutdownTimeout: "60s",
      },
      api: { port: null },
    },
    { plugins: [source, resize, timedFiles] },
  );
  await pipeline.start();
  let offered = 0;
  let senderSlowed = 0;
  let counter = 0;
  const startCpu = process.cpuUsage();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const ticksPerSecond = 20;
    const ticks = settings.seconds * ticksPerSecond;
    let tick = 0;
    const timer = setInterval(() => {
      const frameCounter = Math.floor((tick * settings.framesPerSecondEach) / ticksPerSecond);
      const due = Math.floor(((tick + 1) * settings.framesPerSecondEach) / ticksPerSecond) - frameCounter;
      for (let repeat = 0; repeat < due; repeat += 1) {
        for (let participantId = 1; participantId <= settings.participants; participantId += 1) {
          offered += 1;
          if (paused) {
            senderSlowed += 1;
            continue;
          }
          counter += 1;
          // Each frame its own buffer, as a websocket receiver allocates one per message.
          const png = Buffer.from(pngs[counter % pngs.length]!);
          const frame = incomingFrame(participantId, counter, png);
          events.next({ kind: "video-frame", event: "video_separate_png.data", frame });
        }
      }
      tick += 1;
      if (tick >= ticks) {
        clearInterval(timer);
        resolve();
      }
    }, 1000 / ticksPerSecond);
  });
  // Frames written during the offered window only: what is left is drained, not counted.
  const windowSeconds = (performance.now() - started) / 1000;
  const writtenInWindow = ages.length;
  const cpu = process.cpuUsage(startCpu);
  const summary = await pipeline.stop({ reason: "bench over" });
  await rm(root, { recursive: true, force: true });
  const sorted = ages.slice(0, writtenInWindow).sort((a, b) => a - b);
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    policy,
    offered,
    senderSlowed,
    written: writtenInWindow,
    writtenPerSecond: writtenInWindow / windowSeconds,
    dropped: Object.fromEntries(Object.entries(summary.dropped).map(([reason, count]) => [reason, count ?? 0])),
    medianAgeMilliseconds: quantile(0.5),
    p95AgeMilliseconds: quantile(0.95),
    cpuMillisecondsPerWrittenFrame: (cpu.user + cpu.system) / 1000 / Math.max(1, writtenInWindow),
  };
}

const offeredPerSecond = settings.participants * settings.framesPerSecondEach;
console.log(
  `${settings.participants} participants × ${settings.framesPerSecondEach} frames/s = ${offeredPerSecond} frames/s ` +
    `of ${pngs[0]!.length >> 10} KiB PNGs into resize → fs, ${settings.seconds} s per pass, ${settings.rounds} rounds`,
);
const passes: Pass[] = [];
for (let round = 0; round < settings.rounds; round += 1) {
  for (const policy of policies) passes.push(await runPass(policy));
}
console.table(
  passes.map((pass) => ({
    policy: pass.policy,
    offered: pass.offered,
    "sender slowed": pass.senderSlowed,
    "written/s": pass.writtenPerSecond.toFixed(1),
    dropped: Object.entries(pass.dropped)
      .map(([reason, count]) => `${count} ${reason}`)
      .join(", "),
    "age p50 ms": pass.medianAgeMilliseconds.toFixed(0),
    "age p95 ms": pass.p95AgeMilliseconds.toFixed(0),
    "CPU ms/written": pass.cpuMillisecondsPerWrittenFrame.toFixed(2),
  })),
);
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rateOf = (policy: Policy) =>
  median(passes.filter((pass) => pass.policy === policy).map((pass) => pass.writtenPerSecond));
const block = rateOf("block");
const ratios = {
  dropOldestToBlock: rateOf("drop-oldest") / block,
  dropNewestToBlock: rateOf("drop-newest") / block,
};
const met = ratios.dropOldestToBlock >= 0.95;
console.log(
  `written/s: block ${block.toFixed(1)}, drop-oldest ${rateOf("drop-oldest").toFixed(1)} ` +
    `(${ratios.dropOldestToBlock.toFixed(2)}× block), drop-newest ${rateOf("drop-newest").toFixed(1)} ` +
    `(${ratios.dropNewestToBlock.toFixed(2)}× block). Target drop-oldest ≥ block (within 5% noise): ${met ? "met" : "NOT met"}`,
);
const file = await writeResult("overload-throughput", "pnpm --filter @framepipe/bench overload-throughput", {
  settings: { ...settings, offeredPerSecond, pngBytes: pngs[0]!.length },
  passes,
  ratios,
  target: "under overload, drop-oldest writes at least as many frames per second as block (issue 12 item 4)",
  met,
});
console.log(`wrote ${file}`);
