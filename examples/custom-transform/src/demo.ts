/**
 * `pnpm demo`: runs pipeline.yaml in this process and feeds it a simulated meeting of three
 * participants for 5 seconds: 100 and 102 move, 101's camera shows the same image all along.
 * Prints what the motion score kept per stream; the kept frames are in ./frames (or $FRAMES_DIR).
 */
import { randomBytes } from "node:crypto";
import { createFakeRecallBot, FrameLibrary } from "@framepipe/testing";
import { meetingImages } from "./meeting-images.js";
import { startMotionPipeline } from "./start-motion-pipeline.js";

interface StreamTally {
  received: number;
  kept: number;
  scores: number[];
}

const token = randomBytes(16).toString("hex");
const tallies = new Map<string, StreamTally>();
const { pipeline, url } = await startMotionPipeline({
  env: { ...process.env, FRAMEPIPE_TOKEN: token, FRAMEPIPE_PORT: process.env.FRAMEPIPE_PORT ?? "0" },
  onLog: (record) => {
    if (record.message !== "motion score") return;
    const key = `${record.fields.participantId} ${record.fields.type}`;
    const tally = tallies.get(key) ?? { received: 0, kept: 0, scores: [] };
    tally.received += 1;
    if (record.fields.kept === true) tally.kept += 1;
    if (typeof record.fields.score === "number") tally.scores.push(record.fields.score);
    tallies.set(key, tally);
  },
});
console.log(`pipeline.yaml running, websocket at ${url}; simulating 3 participants for 5 s…`);

const report = await createFakeRecallBot({
  url,
  token,
  participants: 3,
  screenshare: 0,
  duration: 5,
  images: meetingImages(new FrameLibrary({ sizes: { webcam: { width: 320, height: 240 } } }), new Set([101])),
}).run();
const summary = await pipeline.stop({ reason: "demo finished" });

console.log(`bot: ${report.outcome}, ${report.totals.framesSent} frames sent`);
console.log("participant  type     received  kept  median score");
for (const [key, tally] of [...tallies].sort()) {
  const [participant, type] = key.split(" ");
  const sorted = tally.scores.toSorted((left, right) => left - right);
  const median = sorted.length === 0 ? "-" : (sorted[Math.floor(sorted.length / 2)] as number).toFixed(2);
  console.log(
    `${participant?.padEnd(11)}  ${type?.padEnd(7)}  ${String(tally.received).padStart(8)}  ${String(tally.kept).padStart(4)}  ${median.padStart(12)}`,
  );
}
const still = [...tallies.values()].reduce((total, tally) => total + tally.received - tally.kept, 0);
console.log(
  `written to ${process.env.FRAMES_DIR ?? "./frames"}: ${summary.written.disk ?? 0} frames; ${still} still frames dropped`,
);
