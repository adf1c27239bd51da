/**
 * End-to-end capacity benchmark: how many Recall participants (2 fps per stream, webcam 480×360,
 * one in eight also sharing a 1280×720 screen) `framepipe run` sustains on this machine for
 * websocket → resize (320×180 JPEG) → fs, beside a hand-written minimal receiver doing the same
 * work with no flow control. N steps up until frames written per second fall below 97% of those
 * offered or the p99 latency (receive → written) passes 1 s.
 *
 *   pnpm --filter @framepipe/bench capacity            # full sweep (≤ ~15 min), writes the results
 *   pnpm --filter @framepipe/bench capacity -- --quick # two short steps, writes nothing
 *
 * Options: --steps 8,16,32  --only framepipe|baseline  --window S  --warmup S  --no-write;
 * --runtime key=value,key=value adds settings to framepipe's runtime section (e.g. maxInFlightBytes=64MiB);
 * --profile DIR writes a V8 CPU profile of every receiver process into DIR;
 * --render rewrites RESULTS.md and capacity.svg from results/capacity.json without measuring.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildWorkspace } from "../lib/compiled-workspace.js";
import { describeMachine, type MachineDescription } from "../lib/machine.js";
import { writeResult } from "../lib/results.js";
import { startBaselineReceiver } from "./baseline-receiver.js";
import { writeCapacityChart } from "./capacity-chart.js";
import { printStep, writeCapacityMarkdown } from "./capacity-report.js";
import type { CapacityResults } from "./capacity-results.js";
import { parseSweepArguments, senderProcessesFor } from "./capacity-settings.js";
import { runStep, type StepResult, stepLayout } from "./capacity-step.js";
import { startFramepipeReceiver } from "./framepipe-receiver.js";
import { waitForQuietMachine } from "./process-stats.js";
import type { ReceiverName } from "./receiver-under-test.js";
import { SenderPool } from "./sender-pool.js";

const setup =
  "One machine, 2 cores shared by everything: the receiver under test (a child process running compiled JavaScript, as an " +
  "install from npm does: `node --initial-old-space-size=128 --conditions=framepipe-compiled packages/cli/bin/framepipe.js run`, " +
  "with the Node flags of the installed command's shebang, or the minimal receiver " +
  "from bench/dist), the sender (one or two child processes running createFakeRecallBot from @framepipe/testing at " +
  "rate realtime: pre-rendered FrameLibrary images, base64 encoded once, but each message's JSON is built per send, ~2–4 ms " +
  "of CPU a frame) and this harness. Bots join one every 1 s + 500 ms/bots, so the receiver warms up under a growing " +
  "load and the bots' ticks are spread over Recall's 500 ms period, as bots of different meetings are; a new receiver " +
  "process is started for every step. Receiver CPU is its own process's utime+stime; the sender's CPU is reported beside it " +
  "and competes for the same cores, for both receivers alike. Other work on the machine is shown as the load average and " +
  "'other' CPU.";

/** `--render`: rewrites RESULTS.md and capacity.svg from results/capacity.json, without measuring. */
async function render(): Promise<void> {
  const stored = JSON.parse(
    await readFile(new URL("../results/capacity.json", import.meta.url), "utf8"),
  ) as CapacityResults & {
    machine: MachineDescription;
    command: string;
  };
  await writeCapacityMarkdown(new URL("RESULTS.md", import.meta.url), stored, stored.machine, stored.command);
  await writeCapacityChart(new URL("capacity.svg", import.meta.url), stored);
  console.log("rewrote capacity/RESULTS.md and capacity/capacity.svg from results/capacity.json");
}

async function main(): Promise<void> {
  if (process.argv.includes("--render")) return render();
  const settings = parseSweepArguments(process.argv.slice(2));
  buildWorkspace();
  const started = Date.now();
  const loadStart = loadavg().map((value) => Number(value.toFixed(2)));
  const logDir = await mkdtemp(join(tmpdir(), "framepipe-capacity-logs-"));
  console.log(`capacity sweep: steps ${settings.steps.join(", ")}; receivers ${settings.receivers.join(", ")}`);
  console.log(`load average at start ${loadStart.join(" ")}; receiver logs in ${logDir}`);
  const senders = new SenderPool();
  const steps: StepResult[] = [];
  const overload: StepResult[] = [];
  const verdicts = Object.fromEntries(
    settings.receivers.map((name) => [name, { maxSustained: 0, firstUnsustained: null as number | null }]),
  ) as Record<ReceiverName, { maxSustained: number; firstUnsustained: number | null }>;
  const active = new Set<ReceiverName>(settings.receivers);
  let stoppedByBudget = false;
  let longestStepMs = 0;

  const remainingSeconds = () => settings.budgetSeconds - (Date.now() - started + 2 * longestStepMs) / 1000;

  const attempt = async (name: ReceiverName, participants: number, windowSeconds: number): Promise<StepResult> => {
    const quietBefore = await waitForQuietMachine(
      settings.step.maximumOtherCpuPercent,
      1000 * Math.max(0, Math.min(settings.quietWaitSeconds, remainingSeconds())),
    );
    if (quietBefore.waitedSeconds > 2) {
      console.log(`  waited ${quietBefore.waitedSeconds} s for other work on the machine to calm down`);
    }
    const outputDir = await mkdtemp(join(tmpdir(), "framepipe-capacity-out-"));
    const stepStarted = Date.now();
    try {
      const layout = stepLayout(participants, settings.step.participantsPerBot, settings.step.screenshareEvery);
      const result = await runStep(
        { ...settings.step, windowSeconds, participants, senderProcesses: senderProcessesFor(layout.offeredFps) },
        name,
        () => {
          const nodeArguments =
            settings.profileDir === null ? [] : ["--cpu-prof", `--cpu-prof-dir=${settings.profileDir}`];
          return name === "framepipe"
            ? startFramepipeReceiver(outputDir, logDir, nodeArguments, settings.framepipeRuntime)
            : startBaselineReceiver(outputDir, logDir, nodeArguments);
        },
        senders,
      );
      printStep(result);
      return { ...result, quietBefore };
    } finally {
      longestStepMs = Math.max(longestStepMs, Date.now() - stepStarted);
      await rm(outputDir, { recursive: true, force: true });
    }
  };

  /**
   * Runs a step until it has a verdict: sustained at once; otherwise run again when other work
   * disturbed it (at most twice), and once more for machine noise; bounded by the time budget.
   */
  const judgedStep = async (name: ReceiverName, participants: number): Promise<StepResult> => {
    let failures = 0;
    let disturbances = 0;
    for (;;) {
      const result = await attempt(name, participants, settings.step.windowSeconds);
      steps.push(result);
      if (result.sustained || remainingSeconds() < 0) return result;
      if (result.disturbed && disturbances < 2) {
        disturbances += 1;
        console.log(`  other work took ${result.cpu.other}% CPU during the window: running N=${participants} again`);
        continue;
      }
      failures += 1;
      if (!settings.retryFailures || failures >= 2) return result;
      console.log(`  ${name} did not sustain N=${participants}: retrying once`);
    }
  };

  try {
    for (const [index, participants] of settings.steps.entries()) {
      const order: ReceiverName[] = index % 2 === 0 ? ["framepipe", "baseline"] : ["baseline", "framepipe"];
      for (const name of order) {
        if (!active.has(name)) continue;
        if (remainingSeconds() < 0) {
          stoppedByBudget = true;
          break;
        }
        const result = await judgedStep(name, participants);
        if (result.sustained) {
          verdicts[name].maxSustained = result.layout.participants;
        } else {
          verdicts[name].firstUnsustained = result.layout.participants;
          active.delete(name);
        }
      }
      if (active.size === 0 || stoppedByBudget) break;
    }
    const unsustained = settings.receivers.map((name) => verdicts[name].firstUnsustained);
    if (settings.overloadWindowSeconds > 0 && !stoppedByBudget && unsustained.every((value) => value !== null)) {
      // Half again past the later first failure, so that intake clearly exceeds what either can process.
      const perBot = settings.step.participantsPerBot;
      const participants = Math.ceil((1.5 * Math.max(...(unsustained as number[]))) / perBot) * perBot;
      console.log(`overload: both receivers at N=${participants} for ${settings.overloadWindowSeconds} s`);
      for (const name of settings.receivers) {
        overload.push(await attempt(name, participants, settings.overloadWindowSeconds));
      }
    }
  } finally {
    await senders.exit();
  }

  const results: CapacityResults = {
    settings,
    verdicts,
    steps,
    overload,
    loadAverage: { start: loadStart, end: loadavg().map((value) => Number(value.toFixed(2))) },
    seconds: Math.round((Date.now() - started) / 1000),
    stoppedByBudget,
    setup,
  };
  for (const name of settings.receivers) {
    const verdict = verdicts[name];
    console.log(
      `${name}: max sustained N = ${verdict.maxSustained}` +
        (verdict.firstUnsustained === null
          ? " (every step sustained)"
          : `, first unsustained N = ${verdict.firstUnsustained}`),
    );
  }
  console.log(`sweep took ${results.seconds} s; load average at end ${results.loadAverage.end.join(" ")}`);
  if (!settings.write) return;
  const command = `pnpm --filter @framepipe/bench capacity ${process.argv.slice(2).join(" ")}`.trim();
  const file = await writeResult("capacity", command, { ...results });
  await writeCapacityMarkdown(new URL("RESULTS.md", import.meta.url), results, describeMachine(), command);
  await writeCapacityChart(new URL("capacity.svg", import.meta.url), results);
  console.log(`wrote ${file}, capacity/RESULTS.md and capacity/capacity.svg`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
