/**
 * The `fs` sink (@framepipe/sink-fs) fed by an in-memory source through `createPipeline`, beside a
 * bare `fs.promises.writeFile` loop with the same number of writes in flight, on the same realistic
 * 640×360 webcam PNGs, into a fresh temporary folder each pass (removed and `sync`ed between
 * passes, outside the timed window), alternating pass by pass in one run. The sink runs twice:
 * - `overwrite: false` (default): temp file + `link` (no-clobber, atomic) + `unlink`,
 * - `overwrite: true`: temp file + `rename`.
 * The baseline writes to the same paths (`{recording.id}/{participant.id}-{type}/{seq}.png`),
 * creating each folder once (cached), without atomicity, sanitising or overwrite protection.
 * Target (issue 6): the sink ≥ 90% of the baseline's frames/s.
 *
 * Two more hand-written loops, for information, show what atomic publication itself costs
 * without the framework: write a temp file then `link` + `unlink` it, or `rename` it.
 *
 * Run: pnpm --filter @framepipe/bench fs-sink-throughput
 */
import { execFileSync } from "node:child_process";
import { link, mkdir, mkdtemp, rename, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fsSink from "@framepipe/sink-fs";
import {
  compareMeasured,
  type MeasuredPass,
  printFigures,
  type Ratios,
  reportRatios,
  startWindow,
} from "./lib/compare-measured.js";
import { watchMachineLoad } from "./lib/machine-load.js";
import { runMemoryPipeline, runWithParallelism } from "./lib/memory-pipeline.js";
import { writeResult } from "./lib/results.js";
import { imageBytes, sizedFrames } from "./lib/sized-frames.js";

const participants = 8;
const framesPerStream = 30;
const concurrency = 8;
const passes = 21;
const warmup = 1;

const machineLoad = watchMachineLoad();
const frames = await sizedFrames({ type: "webcam", width: 640, height: 360, participants, framesPerStream });
const bytes = imageBytes(frames);
const description =
  `${frames.length} realistic 640×360 webcam PNGs of ${participants} participants per pass ` +
  `(${(bytes / frames.length / 1024).toFixed(0)} KiB mean, ${(bytes / 2 ** 20).toFixed(0)} MiB), ${concurrency} writes in flight`;
console.log(description);
const scratch = await mkdtemp(join(tmpdir(), "framepipe-fs-bench-"));
let passNumber = 0;

/**
 * A fresh, empty output folder for one pass: the previous one is removed and the file system
 * synced first, so that no pass pays for the write-back of another's files.
 */
async function freshFolder(): Promise<string> {
  await rm(scratch, { recursive: true, force: true });
  execFileSync("sync");
  passNumber += 1;
  const folder = join(scratch, `pass-${passNumber}`);
  await mkdir(folder, { recursive: true });
  return folder;
}

type Publish = "in place" | "temp + link" | "temp + rename";

/** Writes each file `in place` (the baseline), or atomically by hand (for information). */
const handWritten = (publish: Publish) => async (): Promise<MeasuredPass> => {
  const root = await freshFolder();
  const end = startWindow();
  const created = new Map<string, Promise<unknown>>();
  const sequence = new Map<string, number>();
  await runWithParallelism(frames, concurrency, async (frame) => {
    const folder = join(root, frame.recording.id, `${frame.participant.id}-${frame.type}`);
    let ready = created.get(folder);
    if (!ready) {
      ready = mkdir(folder, { recursive: true });
      created.set(folder, ready);
    }
    const seq = sequence.get(folder) ?? 0;
    sequence.set(folder, seq + 1);
    await ready;
    const target = join(folder, `${String(seq).padStart(6, "0")}.png`);
    if (publish === "in place") {
      await writeFile(target, frame.image.data);
      return;
    }
    const temporary = join(folder, `.${seq}.tmp`);
    await writeFile(temporary, frame.image.data, { flag: "wx" });
    if (publish === "temp + rename") {
      await rename(temporary, target);
      return;
    }
    await link(temporary, target);
    await unlink(temporary);
  });
  return { ...end(), items: frames.length, bytes };
};

const throughSink = (overwrite: boolean) => async (): Promise<MeasuredPass> => {
  const dir = await freshFolder();
  return runMemoryPipeline({
    frames,
    sink: { type: "fs", dir, overwrite },
    runtime: { concurrency },
    plugins: [fsSink],
    bytes,
  });
};

let results: Awaited<ReturnType<typeof compareMeasured>>;
try {
  results = await compareMeasured(
    {
      "writeFile loop": handWritten("in place"),
      "fs sink (overwrite: false)": throughSink(false),
      "fs sink (overwrite: true)": throughSink(true),
      "temp + link loop (info)": handWritten("temp + link"),
      "temp + rename loop (info)": handWritten("temp + rename"),
    },
    { warmup, passes },
  );
} finally {
  await rm(scratch, { recursive: true, force: true });
}

printFigures("fs sink vs writeFile", results);
const ratios: Record<string, Ratios> = {};
for (const name of Object.keys(results).filter((name) => name !== "writeFile loop")) {
  const { line: _line, ...figures } = reportRatios(
    results,
    name,
    "writeFile loop",
    name.startsWith("fs sink") ? 0.9 : null,
  );
  ratios[name] = figures;
}
const file = await writeResult("fs-sink-throughput", "pnpm --filter @framepipe/bench fs-sink-throughput", {
  loadAverage: machineLoad(),
  setup: `one process; ${tmpdir()} on the root file system; folder removed and sync run between passes (outside the window); no fsync`,
  workload: description,
  results,
  ratios,
  target: "fs sink ≥ 90% of a bare writeFile loop's frames/s",
});
console.log(`wrote ${file}`);
