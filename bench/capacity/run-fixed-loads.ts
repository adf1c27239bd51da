/**
 * CPU per frame and peak memory at fixed loads: `framepipe run` beside the hand-written minimal
 * receiver, on the same simulated Recall meetings, taking turns round by round, for two pipelines:
 * websocket → fs (`passthrough`) and websocket → resize (320×180 JPEG) → fs (`resize`). Where the
 * capacity sweep asks "how many participants", this asks "what does a frame cost" at loads both
 * receivers sustain.
 *
 *   pnpm --filter @framepipe/bench capacity-fixed                      # 3 rounds, writes the results
 *   pnpm --filter @framepipe/bench capacity-fixed --loads passthrough:96,resize:32 --rounds 3
 *   pnpm --filter @framepipe/bench capacity-fixed --profile DIR --no-write   # V8 CPU profiles of every receiver
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildWorkspace } from "../lib/compiled-workspace.js";
import { describeMachine } from "../lib/machine.js";
import { writeResult } from "../lib/results.js";
import { startBaselineReceiver } from "./baseline-receiver.js";
import { printStep } from "./capacity-report.js";
import { senderProcessesFor, stepDefaults } from "./capacity-settings.js";
import { runStep, type StepResult, stepLayout } from "./capacity-step.js";
import { type CapacityPipeline, startFramepipeReceiver } from "./framepipe-receiver.js";
import { waitForQuietMachine } from "./process-stats.js";
import type { ReceiverName } from "./receiver-under-test.js";
import { SenderPool } from "./sender-pool.js";

interface FixedLoad {
  readonly pipeline: CapacityPipeline;
  readonly participants: number;
}

function option(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index === -1 ? undefined : process.argv[index + 1];
}

function parseLoads(text: string): FixedLoad[] {
  return text.split(",").map((pair) => {
    const [pipeline, participants] = pair.split(":");
    if (
      (pipeline !== "passthrough" && pipeline !== "resize" && pipeline !== "video") ||
      !Number.isInteger(Number(participants))
    ) {
      throw new Error(`--loads takes pipeline:participants pairs such as passthrough:96,resize:32, got ${pair}`);
    }
    return { pipeline, participants: Number(participants) };
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** What one receiver cost at one load, over its rounds. */
interface Summary {
  readonly pipeline: CapacityPipeline;
  readonly participants: number;
  readonly offeredFps: number;
  readonly receiver: ReceiverName;
  readonly cpuMsPerFrame: number[];
  readonly mainThreadMsPerFrame: number[];
  readonly peakRssMiB: number[];
  readonly writtenShare: number[];
  readonly sustained: boolean[];
}

async function main(): Promise<void> {
  const loads = parseLoads(option("--loads") ?? "passthrough:96,resize:32");
  const rounds = Number(option("--rounds") ?? 3);
  const windowSeconds = Number(option("--window") ?? 15);
  const warmupSeconds = Number(option("--warmup") ?? 5);
  const profileDir = option("--profile") ?? null;
  const write = !process.argv.includes("--no-write");
  buildWorkspace();
  const logDir = await mkdtemp(join(tmpdir(), "framepipe-fixed-logs-"));
  const started = Date.now();
  const loadStart = loadavg().map((value) => round(value));
  console.log(
    `fixed loads ${loads.map((load) => `${load.pipeline}:${load.participants}`).join(", ")}, ${rounds} rounds`,
  );
  const senders = new SenderPool();
  const steps: (StepResult & { pipeline: CapacityPipeline })[] = [];
  try {
    for (const load of loads) {
      const layout = stepLayout(load.participants, stepDefaults.participantsPerBot, stepDefaults.screenshareEvery);
      for (let round = 0; round < rounds; round += 1) {
        const order: ReceiverName[] = round % 2 === 0 ? ["framepipe", "baseline"] : ["baseline", "framepipe"];
        for (const name of order) {
          await waitForQuietMachine(20, 60_000);
          const outputDir = await mkdtemp(join(tmpdir(), "framepipe-fixed-out-"));
          try {
            const nodeArguments = profileDir === null ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
            const result = await runStep(
              {
                participants: load.participants,
                warmupSeconds,
                windowSeconds,
                senderProcesses: senderProcessesFor(layout.offeredFps),
                ...stepDefaults,
              },
              name,
              () =>
                name === "framepipe"
                  ? startFramepipeReceiver(outputDir, logDir, nodeArguments, {}, load.pipeline)
                  : startBaselineReceiver(outputDir, logDir, nodeArguments, load.pipeline),
              senders,
            );
            console.log(`${load.pipeline} round ${round + 1}:`);
            printStep(result);
            steps.push({ ...result, pipeline: load.pipeline });
          } finally {
            await rm(outputDir, { recursive: true, force: true });
          }
        }
      }
    }
  } finally {
    await senders.exit();
  }

  const summaries: Summary[] = [];
  for (const load of loads) {
    for (const receiver of ["framepipe", "baseline"] as const) {
      const mine = steps.filter((step) => step.pipeline === load.pipeline && step.receiver === receiver);
      summaries.push({
        pipeline: load.pipeline,
        participants: mine[0]?.layout.participants ?? load.participants,
        offeredFps: mine[0]?.fps.offered ?? 0,
        receiver,
        cpuMsPerFrame: mine.map((step) => step.cpu.receiverMsPerFrame ?? Number.NaN),
        mainThreadMsPerFrame: mine.map((step) =>
          step.fps.written > 0 ? round((10 * step.cpu.receiverMainThread) / step.fps.written) : Number.NaN,
        ),
        peakRssMiB: mine.map((step) => step.memory.peakRssMiB),
        writtenShare: mine.map((step) => round(step.fps.written / step.fps.offered, 3)),
        sustained: mine.map((step) => step.sustained),
      });
    }
  }
  const lines = [
    "| pipeline | N | offered fps | receiver | CPU ms/frame (median; rounds) | main thread ms/frame | peak RSS MiB (median; rounds) | written / offered | sustained |",
    "|---|---|---|---|---|---|---|---|---|",
    ...summaries.map(
      (summary) =>
        `| ${summary.pipeline} | ${summary.participants} | ${summary.offeredFps} | ${summary.receiver} | **${round(
          median(summary.cpuMsPerFrame),
        )}**; ${summary.cpuMsPerFrame.join(", ")} | ${round(median(summary.mainThreadMsPerFrame))} | **${round(
          median(summary.peakRssMiB),
          1,
        )}**; ${summary.peakRssMiB.join(", ")} | ${summary.writtenShare.join(", ")} | ${summary.sustained.map((value) => (value ? "yes" : "no")).join(", ")} |`,
    ),
  ];
  const ratios = loads.map((load) => {
    const ours = summaries.find((summary) => summary.pipeline === load.pipeline && summary.receiver === "framepipe");
    const theirs = summaries.find((summary) => summary.pipeline === load.pipeline && summary.receiver === "baseline");
    const cpu = ours && theirs ? round(median(ours.cpuMsPerFrame) / median(theirs.cpuMsPerFrame), 3) : null;
    const rss = ours && theirs ? round(median(ours.peakRssMiB) / median(theirs.peakRssMiB), 3) : null;
    return { pipeline: load.pipeline, participants: load.participants, cpuRatio: cpu, rssRatio: rss };
  });
  console.log(lines.join("\n"));
  for (const ratio of ratios) {
    console.log(
      `${ratio.pipeline}: framepipe CPU per frame / baseline ${ratio.cpuRatio} (target ≤ 1); peak RSS / baseline ${ratio.rssRatio}`,
    );
  }
  if (!write) return;
  const command = `pnpm --filter @framepipe/bench capacity-fixed ${process.argv.slice(2).join(" ")}`.trim();
  const seconds = Math.round((Date.now() - started) / 1000);
  const loadEnd = loadavg().map((value) => round(value));
  const file = await writeResult("capacity-fixed", command, {
    loads,
    rounds,
    windowSeconds,
    warmupSeconds,
    summaries,
    ratios,
    steps,
    loadAverage: { start: loadStart, end: loadEnd },
    seconds,
  });
  const machine = describeMachine();
  const markdown = [
    "# CPU per frame and peak memory at fixed loads",
    "",
    `Generated by \`${command}\` on ${new Date().toISOString().slice(0, 10)} in ${seconds} s. Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}. Load average at start ${loadStart.join(" ")}, at end ${loadEnd.join(" ")}.`,
    "",
    "Both receivers get the same simulated meetings (webcam 480×360, one in eight also sharing 1280×720, 16 participants per bot, 2 fps per stream) at a load both sustain, taking turns round by round, each in a fresh process, compiled. framepipe is `framepipe run` with every runtime default, started with the Node flags of the installed command's shebang (`--initial-old-space-size=128`); the baseline is `minimal-receiver.ts` (ws + `JSON.parse` + base64 + (sharp +) `writeFile`, no queue, no validation). CPU is the receiver process's utime+stime over the measuring window divided by the frames it wrote; peak RSS is VmHWM over the process's life. The sender runs on the same two cores for both alike.",
    "",
    ...lines,
    "",
    ...ratios.map(
      (ratio) =>
        `- **${ratio.pipeline}** at N=${ratio.participants}: framepipe's CPU per frame is **${ratio.cpuRatio}×** the baseline's (target ≤ 1), its peak RSS ${ratio.rssRatio}×.`,
    ),
    "",
  ].join("\n");
  await writeFile(new URL("FIXED-LOADS.md", import.meta.url), markdown);
  console.log(`wrote ${file} and capacity/FIXED-LOADS.md`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
