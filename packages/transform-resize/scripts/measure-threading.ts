/**
 * Measures resize throughput for docs/decisions/0005-sharp-threading.md: realistic 640×360
 * webcam PNGs → 320×180 JPEG, with 1, 2, 4 and 8 operations in flight, `sharp.concurrency` 1
 * and 2, several `UV_THREADPOOL_SIZE` values (each in its own process: libuv reads it once),
 * and sharp's cache on and off. Prints one Markdown table.
 *
 *   npx tsx packages/transform-resize/scripts/measure-threading.ts [--frames 300]
 *   npx tsx packages/transform-resize/scripts/measure-threading.ts --soak 6000
 *
 * `--soak N` instead resizes N frames through the transform's resizer (4 in flight, cache off)
 * and prints the process RSS after every tenth of them: it must stay flat.
 *
 * Other processes on the machine skew the figures: run it on an idle machine, and compare rows of
 * one run with each other rather than with another run.
 */
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { VideoFrame } from "@framepipe/core";
import { createTestFrame, renderFrame } from "@framepipe/testing";
import sharp from "sharp";
import { createFrameResizer } from "../src/frame-resizer.js";

interface Scenario {
  readonly threadPool: number;
  readonly concurrency: number;
  readonly inFlight: number;
  readonly cache: boolean;
  /** `sharp`: raw sharp calls; `resizer`: the transform's own `createFrameResizer` on frames. */
  readonly via?: "sharp" | "resizer";
}

interface Measurement extends Scenario {
  readonly framesPerSecond: number;
  /** Process CPU time (user + system) per frame: less sensitive to other load than frames/s. */
  readonly cpuMsPerFrame: number;
  readonly loopDelayP99Ms: number;
  /** Share of the time the event loop was busy (not waiting for I/O or the thread pool). */
  readonly loopUtilisation: number;
  readonly rssMiB: number;
}

const distinctFrames = 24;
/** Each scenario runs this many times, interleaved with the others; the best run counts. */
const rounds = 5;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

async function renderInputs(): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: distinctFrames }, (_, index) =>
      renderFrame({ participantId: 1 + (index % 6), counter: index, width: 640, height: 360 }),
    ),
  );
}

type Operation = (index: number) => Promise<unknown>;

async function operationFor(via: Scenario["via"], inputs: readonly Buffer[]): Promise<Operation> {
  if (via !== "resizer") {
    return (index) =>
      sharp(inputs[index % inputs.length])
        .resize({ width: 320, height: 180, fit: "cover" })
        .jpeg()
        .toBuffer();
  }
  const resize = await createFrameResizer({ width: 320, height: 180, fit: "cover", format: "jpeg" });
  const frames: VideoFrame[] = inputs.map((data, seq) =>
    createTestFrame({ seq, image: { data, format: "png", width: 640, height: 360 } }),
  );
  return (index) => resize(frames[index % frames.length] as VideoFrame);
}

/** Runs `count` operations keeping `inFlight` of them running, as the runtime's concurrency bound does. */
async function run(operation: Operation, count: number, inFlight: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      await operation(index);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Child mode: one thread-pool size per process, every (cache, concurrency, in-flight) combination. */
async function measureInThisProcess(frames: number, scenarios: readonly Omit<Scenario, "threadPool">[]) {
  const threadPool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const inputs = await renderInputs();
  const best = new Map<number, Measurement>();
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, scenario] of scenarios.entries()) {
      sharp.cache(scenario.cache);
      sharp.concurrency(scenario.concurrency);
      const operation = await operationFor(scenario.via, inputs);
      await run(operation, 40, scenario.inFlight);
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const cpuBefore = process.cpuUsage();
      const loopBefore = performance.eventLoopUtilization();
      const started = performance.now();
      await run(operation, frames, scenario.inFlight);
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      delay.disable();
      const measurement: Measurement = {
        ...scenario,
        threadPool,
        framesPerSecond: frames / seconds,
        cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / frames,
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        loopUtilisation: performance.eventLoopUtilization(loopBefore).utilization,
        rssMiB: process.memoryUsage().rss / 2 ** 20,
      };
      const previous = best.get(index);
      if (!previous || measurement.framesPerSecond > previous.framesPerSecond) best.set(index, measurement);
    }
  }
  const results = scenarios.map((_, index) => best.get(index) as Measurement);
  process.stdout.write(JSON.stringify(results));
}

function spawnMeasurement(threadPool: number, frames: number, scenarios: readonly Omit<Scenario, "threadPool">[]) {
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--child", JSON.stringify({ frames, scenarios })],
    { env: { ...process.env, UV_THREADPOOL_SIZE: String(threadPool) }, encoding: "utf8", maxBuffer: 2 ** 24 },
  );
  return JSON.parse(output) as Measurement[];
}

/** Resizes `total` frames in ten blocks and prints RSS after each: memory must stay flat. */
async function soak(total: number): Promise<void> {
  sharp.cache(false);
  const inputs = await renderInputs();
  const operation = await operationFor("resizer", inputs);
  const block = Math.ceil(total / 10);
  const samples: string[] = [];
  for (let done = 0; done < total; done += block) {
    await run(operation, block, 4);
    samples.push(`${done + block}: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  }
  process.stdout.write(`RSS after N frames (resizer, 4 in flight, cache off): ${samples.join(", ")}\n`);
}

async function main(): Promise<void> {
  if (process.argv.includes("--soak")) {
    await soak(argument("soak", 6000));
    return;
  }
  const childIndex = process.argv.indexOf("--child");
  if (childIndex >= 0) {
    const { frames, scenarios } = JSON.parse(process.argv[childIndex + 1] ?? "{}");
    await measureInThisProcess(frames, scenarios);
    return;
  }
  const frames = argument("frames", 300);
  const grid = [1, 2].flatMap((concurrency) =>
    [1, 2, 4, 8].map((inFlight) => ({ concurrency, inFlight, cache: false })),
  );
  const rows = [
    ...spawnMeasurement(4, frames, grid),
    ...spawnMeasurement(2, frames, [{ concurrency: 1, inFlight: 4, cache: false }]),
    ...spawnMeasurement(8, frames, [
      { concurrency: 1, inFlight: 8, cache: false },
      { concurrency: 1, inFlight: 16, cache: false },
    ]),
    ...spawnMeasurement(4, frames, [
      { concurrency: 1, inFlight: 4, cache: true },
      { concurrency: 1, inFlight: 4, cache: false },
      { concurrency: 1, inFlight: 4, cache: false, via: "resizer" },
    ]),
  ];
  // Read after the runs: what else ran on the machine meanwhile.
  const lines = [
    `640×360 realistic PNG → 320×180 JPEG (cover), ${distinctFrames} distinct frames cycled, ` +
      `load average at the end: ${loadavg()
        .map((value) => value.toFixed(2))
        .join(" ")}`,
    "",
    `| UV_THREADPOOL_SIZE | sharp.concurrency | in flight | cache | via | frames/s (best of ${rounds}) | CPU ms/frame | loop busy | loop delay p99 (ms) | RSS (MiB) |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (row) =>
        `| ${row.threadPool} | ${row.concurrency} | ${row.inFlight} | ${row.cache ? "on" : "off"} | ${row.via ?? "sharp"} | ` +
        `${row.framesPerSecond.toFixed(0)} | ${row.cpuMsPerFrame.toFixed(2)} | ${(row.loopUtilisation * 100).toFixed(0)}% | ${row.loopDelayP99Ms.toFixed(1)} | ${row.rssMiB.toFixed(0)} |`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
