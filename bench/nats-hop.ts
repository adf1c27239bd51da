/**
 * The NATS hop (issue 14): frames/s and CPU ms per frame of websocket → nats → worker → discard,
 * against the same pipeline in one process (websocket → discard), on the same simulated Recall
 * meetings (webcam 480×360, one participant in eight also sharing 1280×720, 2 fps per stream,
 * realistic frames), the candidates taking turns round by round, each pass in fresh processes.
 * Target: the hop costs less than 1 ms of CPU per frame on each side.
 *
 *   pnpm --filter @framepipe/bench nats-hop                       # 48 participants, 3 rounds, 30 s windows
 *   pnpm --filter @framepipe/bench nats-hop --participants 32 --rounds 2 --window 10 --no-write
 *   pnpm --filter @framepipe/bench nats-hop --rounds 1 --profile DIR --no-write   # V8 CPU profiles of every framepipe process
 *   pnpm --filter @framepipe/bench nats-hop --storage memory --out nats-hop-memory  # the stream in memory instead of files
 *
 * Every pipeline is `framepipe run`, compiled, every setting at its default: the ingest node
 * (websocket → nats sink, which creates the pass's stream: file storage, workqueue) and the worker
 * (nats source, one durable consumer → discard) are separate processes, so each side's CPU is its
 * own; the nats-server (scripts/nats/start.sh, a folder of its own under .tmp/) is a third. CPU is
 * utime + stime from /proc over the window, divided by the frames that process handled in it.
 * Every pass has its own stream, subjects and consumer, deleted afterwards; a pass in which a
 * frame the bots sent does not reach the discard sink fails the run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { waitForQuietMachine } from "./capacity/process-stats.js";
import { SenderPool } from "./capacity/sender-pool.js";
import { buildWorkspace } from "./lib/compiled-workspace.js";
import { startBenchNatsServer } from "./lib/nats-server.js";
import { writeResult } from "./lib/results.js";
import { type HopCandidateName, startNatsHop, startOneProcess } from "./nats-hop/hop-candidates.js";
import { type HopPassResult, runHopPass } from "./nats-hop/hop-pass.js";
import { summariseHop, targetMsPerSide } from "./nats-hop/hop-summary.js";

function option(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index === -1 ? undefined : process.argv[index + 1];
}

function printPass(pass: HopPassResult): void {
  const roles = pass.roles
    .map((role) => `${role.role} ${role.cpuMsPerFrame} ms/frame (${role.cpuPercent}% of a core)`)
    .join(", ");
  console.log(
    `round ${pass.round + 1} ${pass.candidate}: ${pass.fps.delivered} of ${pass.fps.offered} frames/s delivered; ${roles}; ` +
      `senders ${pass.cpu.senders}%, other ${pass.cpu.other}%; ${pass.totals.delivered} frames, drained in ${pass.drainSeconds} s`,
  );
}

async function main(): Promise<void> {
  const participants = Number(option("--participants") ?? 48);
  const rounds = Number(option("--rounds") ?? 3);
  const windowSeconds = Number(option("--window") ?? 30);
  const warmupSeconds = Number(option("--warmup") ?? 6);
  const write = !process.argv.includes("--no-write");
  const storage = option("--storage") ?? "file";
  if (storage !== "file" && storage !== "memory") throw new Error("--storage takes file or memory");
  const resultName = option("--out") ?? "nats-hop";
  const profileDir = option("--profile");
  const nodeArguments = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
  if (!(windowSeconds >= 1 && Number.isInteger(windowSeconds * 2)))
    throw new Error("--window takes a multiple of 0.5 s");
  // The processes run the compiled workspace, the discard sink plugin (bench/dist/lib) included.
  buildWorkspace();
  const logDir = await mkdtemp(join(tmpdir(), "framepipe-nats-hop-logs-"));
  const started = Date.now();
  const loadStart = loadavg().map((value) => Number(value.toFixed(2)));
  const server = await startBenchNatsServer("hop");
  const senders = new SenderPool();
  const passes: HopPassResult[] = [];
  const quietBefore: Array<{ waitedSeconds: number; busyPercent: number }> = [];
  console.log(
    `nats-hop: ${participants} participants, ${rounds} rounds of ${windowSeconds} s; nats-server ${server.url}, ${storage} storage`,
  );
  try {
    for (let round = 0; round < rounds; round += 1) {
      const order: HopCandidateName[] = round % 2 === 0 ? ["one-process", "nats-hop"] : ["nats-hop", "one-process"];
      for (const name of order) {
        // The machine is shared: give other work a moment to finish, and record how busy it was.
        quietBefore.push(await waitForQuietMachine(40, 30_000));
        const tag = `${process.pid}R${round}`;
        const pass = await runHopPass(
          { participants, warmupSeconds, windowSeconds, drainTimeoutMs: 60_000 },
          round,
          () =>
            name === "one-process"
              ? startOneProcess(logDir, nodeArguments)
              : startNatsHop(logDir, server, tag, { storage, nodeArguments }),
          senders,
        );
        printPass(pass);
        passes.push(pass);
      }
    }
  } finally {
    await senders.exit();
    await server.stop();
  }

  const summary = summariseHop(passes);
  const cost = summary.hopCostMsPerFrame;
  for (const role of summary.roles) {
    console.log(
      `${role.role}: ${role.cpuMsPerFrame} CPU ms/frame (rounds ${role.cpuMsPerFrameByRound.join(", ")}; main thread ${role.mainThreadMsPerFrame}), ${role.cpuPercent}% of a core, peak RSS ${role.peakRssMiB} MiB`,
    );
  }
  console.log(
    `frames/s delivered: one process ${summary.deliveredFps.oneProcess}, nats hop ${summary.deliveredFps.natsHop} (ratio ${summary.fpsRatio}); ` +
      `(ingest + worker) / one process CPU ${summary.cpuRatio}`,
  );
  console.log(
    `hop cost per frame: publish (ingest − one process) ${cost.publish} ms (paired by round ${cost.pairedPublish}), ` +
      `receive (worker) ${cost.receive} ms, total ${cost.total} ms, nats-server ${cost.natsServer} ms; ` +
      `target < ${targetMsPerSide} ms per side: ${summary.targetMet ? "met" : "NOT met"}`,
  );
  await rm(logDir, { recursive: true, force: true });
  if (!write) return;
  const command = `pnpm --filter @framepipe/bench nats-hop ${process.argv.slice(2).join(" ")}`.trim();
  const file = await writeResult(resultName, command, {
    participants,
    storage,
    rounds,
    windowSeconds,
    warmupSeconds,
    summary,
    loadAverage: { start: loadStart, end: loadavg().map((value) => Number(value.toFixed(2))) },
    quietBefore,
    seconds: Math.round((Date.now() - started) / 1000),
    passes,
  });
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
