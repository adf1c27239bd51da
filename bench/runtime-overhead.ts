/**
 * Runtime overhead per frame: an in-memory source → 2 transforms → a null sink through
 * framepipe's runtime, beside a hand-written RxJS `mergeMap` chain doing the same work with the
 * same concurrency, on the same realistic frames, in the same process. Target (issue 3): within 10%.
 *
 * What framepipe does on top of the baseline: per-stream order through both transforms and the
 * sink, fair scheduling across participants, flow control (queue + byte budget), group tracking,
 * metrics. The baseline gives none of those guarantees (mergeMap reorders freely).
 *
 * Run: pnpm --filter @framepipe/bench runtime-overhead
 */
import { createHash } from "node:crypto";
import {
  createPipeline,
  defineSink,
  defineTransform,
  type IncomingFrame,
  type VideoFrame,
  withParticipant,
  withSeq,
} from "@framepipe/core";
import { createMemorySource } from "@framepipe/testing";
import { from, lastValueFrom, mergeMap, reduce } from "rxjs";
import { z } from "zod";
import { compare } from "./lib/measure.js";
import { realisticFrames } from "./lib/realistic-frames.js";
import { writeResult } from "./lib/results.js";

const participants = 16;
const framesPerStream = 250;
const concurrency = 8;
const frames = await realisticFrames({ participants, framesPerStream });
const totalBytes = frames.reduce((sum, frame) => sum + frame.image.data.length, 0);
console.log(
  `workload: ${frames.length} frames of ${participants} participants, ${(totalBytes / 2 ** 20).toFixed(0)} MiB`,
);

// The same work for both: rename (a new immutable frame), a digest of the image head, an async sink.
const rename = (frame: VideoFrame) => withParticipant(frame, { name: `${frame.participant.name} (bench)` });
const digest = (frame: VideoFrame) => {
  createHash("sha1").update(frame.image.data.subarray(0, 4096)).digest();
  return frame;
};
let sinkWrites = 0;
const nullWrite = async (_frame: VideoFrame) => {
  sinkWrites += 1;
};

async function baseline(): Promise<{ items: number; bytes: number }> {
  const written = await lastValueFrom(
    from(frames).pipe(
      mergeMap(async (frame: IncomingFrame) => rename(withSeq(frame, 0)), concurrency),
      mergeMap(async (frame) => digest(frame), concurrency),
      mergeMap(async (frame) => nullWrite(frame), concurrency),
      reduce((count) => count + 1, 0),
    ),
  );
  return { items: written, bytes: totalBytes };
}

const options = z.strictObject({});
const renameTransform = defineTransform({
  type: "rename",
  summary: "bench",
  options,
  create: () => ({ process: rename }),
});
const digestTransform = defineTransform({
  type: "digest",
  summary: "bench",
  options,
  create: () => ({ process: async (frame: VideoFrame) => digest(frame) }),
});
const nullSink = defineSink({ type: "null", summary: "bench", options, create: () => ({ write: nullWrite }) });

async function framepipe(): Promise<{ items: number; bytes: number }> {
  const source = createMemorySource(frames);
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: { memory: { type: "memory" } },
      transforms: {
        renamed: { type: "rename", inputs: ["memory"] },
        digested: { type: "digest", inputs: ["renamed"] },
      },
      sinks: { out: { type: "null", inputs: ["digested"] } },
      runtime: { concurrency, queue: 64, maxInFlightBytes: "1GiB" },
      api: { port: null },
    },
    { plugins: [source.definition, renameTransform, digestTransform, nullSink] },
  );
  await pipeline.start();
  const summary = await pipeline.done;
  const written = summary.written.out ?? 0;
  if (written !== frames.length) throw new Error(`framepipe wrote ${written}/${frames.length}`);
  return { items: written, bytes: totalBytes };
}

const results = await compare({ baseline, framepipe }, { warmup: 2, passes: 7 });
const ratio = results.framepipe!.itemsPerSecond / results.baseline!.itemsPerSecond;
const perFrameMicroseconds = {
  baseline: 1e6 / results.baseline!.itemsPerSecond,
  framepipe: 1e6 / results.framepipe!.itemsPerSecond,
};
console.table(
  Object.entries(results).map(([name, figure]) => ({
    name,
    "frames/s": figure.itemsPerSecond.toFixed(0),
    "µs/frame": (1e6 / figure.itemsPerSecond).toFixed(1),
  })),
);
console.log(
  `framepipe / baseline throughput: ${ratio.toFixed(3)} (target ≥ 0.80: each step is one plain async function now); sink writes ${sinkWrites}`,
);
const file = await writeResult("runtime-overhead", "pnpm --filter @framepipe/bench runtime-overhead", {
  workload: `${frames.length} realistic 480×360 frames, ${participants} participants, concurrency ${concurrency}`,
  results,
  perFrameMicroseconds,
  ratio,
  target:
    "framepipe at ≥ 0.80 of a hand-written mergeMap chain (issue 11: a few µs per frame buy a readable path at 2 fps per participant)",
});
console.log(`wrote ${file}`);
