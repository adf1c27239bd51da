/**
 * `pnpm start` (`tsx src/record-then-replay.ts [--duration S] [--out DIR]`): records a simulated
 * meeting with record.yaml, then replays the recording with replay.yaml, in this process.
 * Output goes to a new folder under ./output (or DIR): recordings/ and frames/.
 */
import { mkdir, mkdtemp } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { recordThenReplay } from "./record-replay.js";

const { values } = parseArgs({
  options: { duration: { type: "string", default: "4" }, out: { type: "string", default: "output" } },
});
const duration = Number(values.duration);
if (!(duration > 0)) {
  console.error(`--duration must be a positive number of seconds, got ${values.duration}`);
  process.exit(1);
}
await mkdir(values.out, { recursive: true });
const outputDir = await mkdtemp(join(values.out, "run-"));

console.log(`recording a simulated meeting (3 participants, 1 screenshare, ${duration} s of frames)…`);
const { recorded, replayed, framesDir } = await recordThenReplay({
  outputDir,
  meeting: { participants: 3, screenshare: 1, duration },
});
console.log(
  `recorded ${recorded.summary.written.capture ?? 0} of ${recorded.bot.totals.framesSent} frames sent ` +
    `into ${recorded.files.map((file) => relative(".", join(outputDir, "recordings", file))).join(", ")}`,
);
console.log(
  `replayed ${replayed.received} frames at speed max in ${Math.round(replayed.durationMs)} ms, ` +
    `${replayed.written.disk ?? 0} written under ${relative(".", framesDir)}/`,
);
if (replayed.written.disk !== recorded.summary.written.capture) process.exitCode = 1;
