/**
 * Parsing + grouping of realistic Recall messages, beside the floor every receiver pays:
 * `JSON.parse` + `Buffer.from(buffer, "base64")` on the same messages, in the same run.
 * Target (issue 2): the model costs under 10% on top of that floor.
 * Then, apart: what the PNG structural check of issue 12 (every chunk's CRC) costs per frame on
 * realistic 640×360 and 1280×720 frames, against the header-only check it replaced.
 *
 * Run: pnpm --filter @framepipe/bench parse-and-group
 */
import { groupByParticipant, parseRecallMessages } from "@framepipe/core";
import { from, lastValueFrom, mergeMap, reduce } from "rxjs";
import { compare } from "./lib/measure.js";
import { measurePngCheckCost } from "./lib/png-check-cost.js";
import { buildRecallWorkload } from "./lib/recall-workload.js";
import { writeResult } from "./lib/results.js";

const workload = await buildRecallWorkload({ participants: 12, screenshares: 3, framesPerStream: 6 });
console.log(`workload: ${workload.describe}`);
const repeat = 5; // each pass goes over the messages this many times

/** The floor: what any receiver must do with a message. */
async function baseline(): Promise<{ items: number; bytes: number }> {
  let items = 0;
  let bytes = 0;
  for (let round = 0; round < repeat; round += 1) {
    for (const message of workload.messages) {
      const envelope = JSON.parse(message.toString()) as { data: { data: { buffer: string } } };
      const image = Buffer.from(envelope.data.data.buffer, "base64");
      items += 1;
      bytes += message.length + (image.length > 0 ? 0 : 1);
    }
  }
  return { items, bytes };
}

/** framepipe: validated typed events, PNG header read, frames grouped by participant with seq. */
async function framepipe(): Promise<{ items: number; bytes: number }> {
  const messages = Array.from({ length: repeat }, () => workload.messages).flat();
  let problems = 0;
  const frames = await lastValueFrom(
    from(messages).pipe(
      parseRecallMessages({ onProblem: () => (problems += 1) }),
      groupByParticipant({ idleTimeout: Number.POSITIVE_INFINITY }),
      mergeMap((group) => group.frames$),
      reduce((count) => count + 1, 0),
    ),
  );
  if (problems > 0 || frames !== messages.length) throw new Error(`lost frames: ${frames}/${messages.length}`);
  return { items: frames, bytes: workload.totalBytes * repeat };
}

const results = await compare({ baseline, framepipe }, { warmup: 2, passes: 9 });
const ratio = results.framepipe!.itemsPerSecond / results.baseline!.itemsPerSecond;
const overheadPercent = (1 / ratio - 1) * 100;
console.table(
  Object.entries(results).map(([name, figure]) => ({
    name,
    "frames/s": figure.itemsPerSecond.toFixed(0),
    "MB/s": figure.megabytesPerSecond.toFixed(1),
  })),
);
console.log(
  `framepipe / baseline throughput: ${ratio.toFixed(3)} (model overhead ${overheadPercent.toFixed(1)}%, target < 10%)`,
);
const parseMsPerMessage = 1000 / results.framepipe!.itemsPerSecond;
const pngCheck = await measurePngCheckCost({ framesPerKind: 8, passes: 15 });
console.table(
  pngCheck.map((cost) => ({
    frames: cost.frames,
    "PNG KiB": (cost.meanPngBytes / 1024).toFixed(0),
    chunks: cost.meanChunks.toFixed(0),
    "header only ms": cost.headerOnlyMsPerFrame.toFixed(4),
    "structural ms": cost.structuralMsPerFrame.toFixed(4),
    "added ms": cost.addedMsPerFrame.toFixed(4),
  })),
);
console.log(`framepipe parse + group: ${parseMsPerMessage.toFixed(3)} ms per message (structural check included)`);
const file = await writeResult("parse-and-group", "pnpm --filter @framepipe/bench parse-and-group", {
  workload: workload.describe,
  results,
  ratio,
  overheadPercent,
  target: "overhead < 10% over JSON.parse + base64 decode",
  parseMsPerMessage,
  pngCheck: {
    target: "a fraction of a millisecond per frame (issue 12)",
    frames: pngCheck,
  },
});
console.log(`wrote ${file}`);
