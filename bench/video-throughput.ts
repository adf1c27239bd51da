/**
 * Participants sustained into one mp4 per stream (issue 13): simulated Recall meetings (webcam
 * 480×360, one participant in eight also sharing 1280×720, 2 fps per stream, realistic frames)
 * into `framepipe run` with the `video` sink (websocket → video, every default: libx264 veryfast,
 * zerolatency, `-threads 1`, fragmented mp4) against a hand-written receiver that does what
 * Recall's sample does, done right (ws + `JSON.parse` + base64 + one `ffmpeg -f image2pipe` per
 * stream, `write()` honoured: capacity/minimal-receiver.ts, pipeline `video`). Both take turns at
 * each step, each in a fresh process, compiled; a receiver stops at its first unsustained step
 * (judged like the capacity sweep: ≥ 97% of the offered frames accepted by the encoders, p99
 * receive → accepted ≤ 1 s, nothing dropped).
 *
 *   pnpm --filter @framepipe/bench video-throughput                          # steps 16,32,48,56,64,72,80
 *   pnpm --filter @framepipe/bench video-throughput --steps 16,32 --window 8 --no-write
 *   pnpm --filter @framepipe/bench video-throughput --steps 48,56 --only baseline --out video-throughput-baseline-retry
 *
 * CPU per frame counts the receiver process and its encoders (their utime + stime over the
 * window, /proc), divided by the frames the encoders accepted; encoder RSS is the peak of the
 * encoders' resident memory summed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startBaselineReceiver } from "./capacity/baseline-receiver.js";
import { printStep } from "./capacity/capacity-report.js";
import { senderProcessesFor, stepDefaults } from "./capacity/capacity-settings.js";
import { runStep, type StepResult, stepLayout } from "./capacity/capacity-step.js";
import { startFramepipeReceiver } from "./capacity/framepipe-receiver.js";
import { waitForQuietMachine } from "./capacity/process-stats.js";
import type { ReceiverName } from "./capacity/receiver-under-test.js";
import { SenderPool } from "./capacity/sender-pool.js";
import { buildWorkspace } from "./lib/compiled-workspace.js";
import { writeResult } from "./lib/results.js";

function option(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index === -1 ? undefined : process.argv[index + 1];
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** One receiver's figures at one step, as the summary table shows them. */
interface Row {
  readonly receiver: ReceiverName;
  readonly participants: number;
  readonly offeredFps: number;
  readonly acceptedFps: number;
  readonly cpuMsPerFrame: number | null;
  readonly receiverPeakRssMiB: number;
  readonly encodersPeakRssMiB: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly sustained: boolean;
  readonly reasons: readonly string[];
}

/**
 * A step whose measuring window did not really run (the warm-up overran it on an overloaded
 * machine: a window of a fraction of the planned length, rates in the thousands) is not a
 * measurement: it counts as not sustained, with that reason.
 */
function checked(step: StepResult, windowSeconds: number): StepResult {
  if (step.windowSeconds >= 0.8 * windowSeconds) return step;
  return {
    ...step,
    sustained: false,
    reasons: [...step.reasons, `window of ${step.windowSeconds} s instead of ${windowSeconds} s: not measured`],
  };
}

function rowOf(step: StepResult): Row {
  return {
    receiver: step.receiver,
    participants: step.layout.participants,
    offeredFps: step.fps.offered,
    acceptedFps: step.fps.written,
    cpuMsPerFrame: step.cpu.receiverMsPerFrame,
    receiverPeakRssMiB: step.memory.peakRssMiB,
    encodersPeakRssMiB: step.memory.descendantsPeakRssMiB,
    p50: step.latency.p50,
    p99: step.latency.p99,
    sustained: step.sustained,
    reasons: step.reasons,
  };
}

async function main(): Promise<void> {
  const steps = (option("--steps") ?? "16,32,48,56,64,72,80").split(",").map(Number);
  const windowSeconds = Number(option("--window") ?? 12);
  const warmupSeconds = Number(option("--warmup") ?? 5);
  const write = !process.argv.includes("--no-write");
  const only = option("--only");
  if (only !== undefined && only !== "framepipe" && only !== "baseline")
    throw new Error("--only takes framepipe or baseline");
  const resultName = option("--out") ?? "video-throughput";
  try {
    buildWorkspace();
  } catch {
    // tsc -b still emits every project when some have type errors: the compiled code is current.
    console.warn("video-throughput: tsc -b reported errors; measuring the compiled output anyway");
  }
  const logDir = await mkdtemp(join(tmpdir(), "framepipe-video-logs-"));
  const started = Date.now();
  const loadStart = loadavg().map((value) => round(value));
  const senders = new SenderPool();
  const results: StepResult[] = [];
  const stopped = new Set<ReceiverName>(only === undefined ? [] : only === "framepipe" ? ["baseline"] : ["framepipe"]);
  try {
    for (const participants of steps) {
      const layout = stepLayout(participants, stepDefaults.participantsPerBot, stepDefaults.screenshareEvery);
      const order: ReceiverName[] = results.length % 4 === 0 ? ["framepipe", "baseline"] : ["baseline", "framepipe"];
      for (const name of order) {
        if (stopped.has(name)) continue;
        await waitForQuietMachine(25, 60_000);
        const outputDir = await mkdtemp(join(tmpdir(), "framepipe-video-out-"));
        try {
          const measured = await runStep(
            {
              participants,
              warmupSeconds,
              windowSeconds,
              senderProcesses: senderProcessesFor(layout.offeredFps),
              ...stepDefaults,
            },
            name,
            () =>
              name === "framepipe"
                ? startFramepipeReceiver(outputDir, logDir, [], {}, "video")
                : startBaselineReceiver(outputDir, logDir, [], "video"),
            senders,
          );
          const result = checked(measured, windowSeconds);
          printStep(result);
          console.log(
            `  encoders: peak RSS ${result.memory.descendantsPeakRssMiB} MiB together; CPU (receiver + encoders) ${result.cpu.receiverMsPerFrame} ms/frame`,
          );
          results.push(result);
          if (!result.sustained) stopped.add(name);
        } finally {
          await rm(outputDir, { recursive: true, force: true });
        }
      }
      if (stopped.size === 2) break;
    }
  } finally {
    await senders.exit();
  }

  const rows = results.map(rowOf);
  const maxSustained = (receiver: ReceiverName) =>
    Math.max(0, ...rows.filter((row) => row.receiver === receiver && row.sustained).map((row) => row.participants));
  const summary = {
    framepipe: { maxSustainedParticipants: maxSustained("framepipe") },
    baseline: { maxSustainedParticipants: maxSustained("baseline") },
  };
  const table = [
    "| N | receiver | offered fps | accepted fps | CPU ms/frame (receiver + encoders) | receiver peak RSS MiB | encoders peak RSS MiB | p50 / p99 s | sustained |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.participants} | ${row.receiver} | ${row.offeredFps} | ${row.acceptedFps} | ${row.cpuMsPerFrame ?? "–"} | ${row.receiverPeakRssMiB} | ${row.encodersPeakRssMiB} | ${row.p50 ?? "–"} / ${row.p99 ?? "–"} | ${row.sustained ? "yes" : `no (${row.reasons.join("; ")})`} |`,
    ),
  ].join("\n");
  console.log(table);
  console.log(
    `max sustained participants: framepipe ${summary.framepipe.maxSustainedParticipants}, baseline ${summary.baseline.maxSustainedParticipants}`,
  );
  if (!write) return;
  const command = `pnpm --filter @framepipe/bench video-throughput ${process.argv.slice(2).join(" ")}`.trim();
  const file = await writeResult(resultName, command, {
    steps,
    windowSeconds,
    warmupSeconds,
    summary,
    rows,
    results,
    loadAverage: { start: loadStart, end: loadavg().map((value) => round(value)) },
    seconds: Math.round((Date.now() - started) / 1000),
  });
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
