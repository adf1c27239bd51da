/**
 * In-memory source → `resize` (@framepipe/transform-resize's default export) → null sink through
 * `createPipeline`, beside raw sharp doing the same conversion on the same frames with the same
 * number of operations in flight (a hand-written worker pool, no framework, no order), in one run,
 * alternating pass by pass. Two conversions:
 * - 640×360 webcam PNG → 320×180 JPEG,
 * - 1280×720 screenshare PNG → 640×360 WebP,
 * each at runtime.concurrency 4 and 8 (= raw sharp's operations in flight). Target (issue 5):
 * framepipe ≥ 85% of raw sharp's frames/s.
 *
 * sharp's operation cache is off for both (the transform turns it off process-wide; raw sharp with
 * the cache on would hit it, since the benchmark cycles a few distinct images). UV_THREADPOOL_SIZE
 * and sharp.concurrency() are left at their defaults (4 and 1 here), as docs/decisions/0005 decides.
 *
 * Run: pnpm --filter @framepipe/bench resize-throughput
 */
import type { FrameType, IncomingFrame } from "@framepipe/core";
import resizeTransform from "@framepipe/transform-resize";
import sharp from "sharp";
import { compareMeasured, printFigures, reportRatios, startWindow } from "./lib/compare-measured.js";
import { watchMachineLoad } from "./lib/machine-load.js";
import { runMemoryPipeline, runWithParallelism } from "./lib/memory-pipeline.js";
import { createNullSink } from "./lib/null-sink.js";
import { writeResult } from "./lib/results.js";
import { imageBytes, sizedFrames } from "./lib/sized-frames.js";

interface Conversion {
  readonly name: string;
  readonly input: { readonly type: FrameType; readonly width: number; readonly height: number };
  readonly output: { readonly width: number; readonly height: number; readonly format: "jpeg" | "webp" };
  readonly framesPerStream: number;
}

const participants = 8;
const concurrencies = [4, 8] as const;
const passes = 9;
const warmup = 1;
const conversions: readonly Conversion[] = [
  {
    name: "640x360 webcam PNG → 320x180 JPEG",
    input: { type: "webcam", width: 640, height: 360 },
    output: { width: 320, height: 180, format: "jpeg" },
    framesPerStream: 30,
  },
  {
    name: "1280x720 screenshare PNG → 640x360 WebP",
    input: { type: "screenshare", width: 1280, height: 720 },
    output: { width: 640, height: 360, format: "webp" },
    framesPerStream: 10,
  },
];

const machineLoad = watchMachineLoad();
sharp.cache(false);
const report: Record<string, unknown> = {};
const summaries: string[] = [];
const sink = createNullSink();

for (const conversion of conversions) {
  const frames: IncomingFrame[] = await sizedFrames({
    ...conversion.input,
    participants,
    framesPerStream: conversion.framesPerStream,
  });
  const bytes = imageBytes(frames);
  const { output } = conversion;

  /** The same operations the transform asks sharp for (fit inside, no enlargement, default quality). */
  const rawConvert = (png: Buffer): Promise<Buffer> => {
    const resized = sharp(png).resize({
      width: output.width,
      height: output.height,
      fit: "inside",
      withoutEnlargement: true,
    });
    return (output.format === "jpeg" ? resized.jpeg() : resized.webp()).toBuffer();
  };

  for (const concurrency of concurrencies) {
    const label = `${conversion.name}, ${concurrency} in flight`;
    const description = `${frames.length} frames of ${participants} participants per pass (${(bytes / frames.length / 1024).toFixed(0)} KiB mean PNG)`;
    console.log(`${label}: ${description}`);
    let outputBytes = 0;

    const rawSharp = async () => {
      const end = startWindow();
      await runWithParallelism(frames, concurrency, async (frame) => {
        const converted = await rawConvert(frame.image.data);
        outputBytes += converted.length;
      });
      return { ...end(), items: frames.length, bytes };
    };

    const framepipe = () => {
      sink.reset();
      return runMemoryPipeline({
        frames,
        transforms: [{ type: "resize", width: output.width, height: output.height, format: output.format }],
        sink: { type: "null" },
        runtime: { concurrency },
        plugins: [resizeTransform, sink.definition],
        bytes,
      });
    };

    const results = await compareMeasured({ "raw sharp": rawSharp, framepipe }, { warmup, passes });
    const meanOutput = outputBytes / ((warmup + passes) * frames.length);
    const framepipeMeanOutput = sink.bytes / frames.length;
    printFigures(label, results);
    const { line, ...ratios } = reportRatios(results, "framepipe", "raw sharp", 0.85);
    summaries.push(`${label}: ${line}`);
    report[label] = {
      workload: description,
      meanOutputBytes: { "raw sharp": Math.round(meanOutput), framepipe: Math.round(framepipeMeanOutput) },
      results,
      ...ratios,
    };
  }
}

const file = await writeResult("resize-throughput", "pnpm --filter @framepipe/bench resize-throughput", {
  loadAverage: machineLoad(),
  setup:
    "one process; sharp cache off for both; UV_THREADPOOL_SIZE and sharp.concurrency() at defaults; " +
    "framepipe: memory source → resize → null sink, runtime.concurrency = raw sharp's operations in flight",
  sharp: { concurrency: sharp.concurrency(), threadPool: process.env.UV_THREADPOOL_SIZE ?? "4 (default)" },
  ...report,
  target: "framepipe ≥ 85% of raw sharp's frames/s",
});
console.log(summaries.join("\n"));
console.log(`wrote ${file}`);
