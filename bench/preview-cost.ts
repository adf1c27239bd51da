/**
 * What the live preview costs: the CPU per frame of `framepipe run` with and without a `preview`
 * sink, at a fixed realistic load, with three viewers following the page.
 *
 * Load: `framepipe simulate` in its own process, 2 bots × 20 participants, 5 of them sharing a
 * screen per bot: 50 streams at Recall's 2 fps (100 frames/s), realistic frames (480×360 webcam
 * and 1280×720 screenshare PNGs from `@framepipe/testing`'s FrameLibrary).
 * Pipeline (the demo's): websocket → resize (320×180 JPEG) → fs. Three configurations, in turn:
 * - `base`: that pipeline alone,
 * - `preview after source`: plus a preview sink reading the source's PNGs (each thumbnail decodes
 *   a full PNG with sharp), default options (1 thumbnail per second per stream),
 * - `preview after resize`: plus a preview sink reading the resize's 320×180 JPEGs (served as
 *   they are: no image work).
 * With a preview, three viewers (in this process) follow `/preview/events` and fetch every new
 * thumbnail, as the page does. Measured: the framepipe process's CPU (all threads, /proc) and its
 * frames received, over a window after a warm-up; CPU ms per frame = CPU / frames.
 * Target (issue 15): the preview adds < 10% CPU per frame.
 *
 * Run: pnpm --filter @framepipe/bench preview-cost [-- --rounds 2 --window 20]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent, get, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { watchMachineLoad } from "./lib/machine-load.js";
import { writeResult } from "./lib/results.js";

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const rounds = argument("rounds", 2);
const warmupSeconds = argument("warmup", 6);
const windowSeconds = argument("window", 20);
const bots = 2;
const participantsPerBot = 20;
const screensharePerBot = 5;
const streams = bots * (participantsPerBot + screensharePerBot);
const viewerCount = 3;
const token = "bench-preview-token";
const cliBin = fileURLToPath(new URL("../packages/cli/bin/framepipe.js", import.meta.url));

type Configuration = "base" | "preview after source" | "preview after resize";
const configurations: Configuration[] = ["base", "preview after source", "preview after resize"];

function configFor(configuration: Configuration, outputDir: string): object {
  const preview =
    configuration === "base"
      ? {}
      : { preview: { type: "preview", inputs: [configuration === "preview after source" ? "recall" : "thumbs"] } };
  return {
    version: 1,
    sources: { recall: { type: "websocket", host: "127.0.0.1", port: 0, path: "/recall/", token } },
    transforms: { thumbs: { type: "resize", inputs: ["recall"], width: 320, height: 180, format: "jpeg" } },
    sinks: { disk: { type: "fs", inputs: ["thumbs"], dir: outputDir }, ...preview },
    api: { host: "127.0.0.1", port: 0 },
    log: { level: "info" },
  };
}

async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The sum of a metric's series whose labels include `labelled` (e.g. `component="recall"`). */
async function metric(api: string, name: string, labelled = ""): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!(line.startsWith(`${name}{`) || line.startsWith(`${name} `)) || !line.includes(labelled)) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** Frames the websocket source received (each frame once, whatever the components after it). */
const received = (api: string) => metric(api, "framepipe_frames_received_total", 'component="recall"');

/** Starts `framepipe run` and resolves with its websocket and API addresses (read from its JSON logs). */
function startRun(file: string): Promise<{ child: ChildProcess; ws: string; api: string }> {
  const child = spawn(process.execPath, [cliBin, "run", file], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let ws = "";
    let api = "";
    let rest = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        const log = JSON.parse(line) as { msg: string; url?: string };
        if (log.msg === "websocket source listening" && log.url) ws = log.url;
        if (log.msg.startsWith("serving /metrics") && log.url) api = log.url;
        if (log.msg === "pipeline started") resolve({ child, ws, api });
      }
    });
    child.once("exit", (code) => reject(new Error(`framepipe run exited (${code}) before starting`)));
  });
}

/** A viewer as the page behaves: follows the events, fetches each new thumbnail version once. */
function startViewer(previewUrl: string): {
  stop: () => void;
  counts: { events: number; images: number; bytes: number };
} {
  const agent = new Agent({ keepAlive: true, maxSockets: 6 });
  const counts = { events: 0, images: 0, bytes: 0 };
  const versions = new Map<string, number>();
  let buffer = "";
  const events = get(`${previewUrl}/events`, { agent: false }, (response) => {
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").find((line) => line.startsWith("data: "));
        if (!data) continue;
        counts.events += 1;
        const event = JSON.parse(data.slice(6)) as { tiles: { id: string; version: number }[] };
        for (const tile of event.tiles) {
          if (tile.version <= (versions.get(tile.id) ?? 0)) continue;
          versions.set(tile.id, tile.version);
          const image = request(`${previewUrl}/frame/${tile.id}.jpg?v=${tile.version}`, { agent }, (answer) => {
            answer.on("data", (part: Buffer) => {
              counts.bytes += part.length;
            });
            answer.on("end", () => {
              counts.images += 1;
            });
          });
          image.on("error", () => {});
          image.end();
        }
      }
    });
  });
  events.on("error", () => {});
  return {
    counts,
    stop: () => {
      events.destroy();
      agent.destroy();
    },
  };
}

interface Pass {
  readonly configuration: Configuration;
  readonly round: number;
  readonly seconds: number;
  readonly frames: number;
  readonly framesPerSecond: number;
  readonly cpuSeconds: number;
  readonly cpuMillisecondsPerFrame: number;
  readonly processCpu: number;
  readonly thumbnailsPerSecond: number;
  readonly viewerImagesPerSecond: number;
  readonly viewerEventsPerSecond: number;
}

async function runPass(configuration: Configuration, round: number): Promise<Pass> {
  const directory = await mkdtemp(join(tmpdir(), "framepipe-preview-bench-"));
  const file = join(directory, "pipeline.json");
  await writeFile(file, JSON.stringify(configFor(configuration, join(directory, "frames"))));
  const run = await startRun(file);
  const duration = warmupSeconds + windowSeconds + 30;
  const simulator = spawn(
    process.execPath,
    [
      cliBin,
      "simulate",
      run.ws,
      "--token",
      token,
      "--bots",
      String(bots),
      "--participants",
      String(participantsPerBot),
      "--screenshare",
      String(screensharePerBot),
      "--fps",
      "2",
      "--duration",
      String(duration),
    ],
    { stdio: "ignore" },
  );
  const viewers =
    configuration === "base" ? [] : Array.from({ length: viewerCount }, () => startViewer(`${run.api}/preview`));
  try {
    // The simulator renders its frames first: wait until they flow, then warm up.
    while ((await received(run.api)) < streams) await delay(200);
    await delay(warmupSeconds * 1000);
    const pid = run.child.pid as number;
    const before = {
      at: performance.now(),
      cpu: await cpuSeconds(pid),
      frames: await received(run.api),
      thumbnails: await metric(run.api, "framepipe_preview_thumbnails_total"),
      images: viewers.reduce((sum, viewer) => sum + viewer.counts.images, 0),
      events: viewers.reduce((sum, viewer) => sum + viewer.counts.events, 0),
    };
    await delay(windowSeconds * 1000);
    const seconds = (performance.now() - before.at) / 1000;
    const cpu = (await cpuSeconds(pid)) - before.cpu;
    const frames = (await received(run.api)) - before.frames;
    const thumbnails = (await metric(run.api, "framepipe_preview_thumbnails_total")) - before.thumbnails;
    const images = viewers.reduce((sum, viewer) => sum + viewer.counts.images, 0) - before.images;
    const events = viewers.reduce((sum, viewer) => sum + viewer.counts.events, 0) - before.events;
    return {
      configuration,
      round,
      seconds,
      frames,
      framesPerSecond: frames / seconds,
      cpuSeconds: cpu,
      cpuMillisecondsPerFrame: (cpu * 1000) / frames,
      processCpu: cpu / seconds,
      thumbnailsPerSecond: thumbnails / seconds,
      viewerImagesPerSecond: images / seconds,
      viewerEventsPerSecond: events / seconds,
    };
  } finally {
    for (const viewer of viewers) viewer.stop();
    simulator.kill("SIGKILL");
    run.child.kill("SIGKILL");
    await new Promise((resolve) => run.child.once("exit", resolve));
    await rm(directory, { recursive: true, force: true });
  }
}

const machineLoad = watchMachineLoad();
const passes: Pass[] = [];
for (let round = 1; round <= rounds; round += 1) {
  for (const configuration of configurations) {
    const pass = await runPass(configuration, round);
    passes.push(pass);
    console.log(
      `round ${round} ${configuration.padEnd(21)} ${pass.framesPerSecond.toFixed(1)} frames/s, ` +
        `${pass.cpuMillisecondsPerFrame.toFixed(2)} CPU ms/frame (${(pass.processCpu * 100).toFixed(0)}% of a core), ` +
        `${pass.thumbnailsPerSecond.toFixed(1)} thumbnails/s, viewers fetched ${pass.viewerImagesPerSecond.toFixed(1)} images/s`,
    );
  }
}

const medianOf = (values: number[]): number => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const summary = Object.fromEntries(
  configurations.map((configuration) => {
    const own = passes.filter((pass) => pass.configuration === configuration);
    return [
      configuration,
      {
        cpuMillisecondsPerFrame: medianOf(own.map((pass) => pass.cpuMillisecondsPerFrame)),
        framesPerSecond: medianOf(own.map((pass) => pass.framesPerSecond)),
        thumbnailsPerSecond: medianOf(own.map((pass) => pass.thumbnailsPerSecond)),
        viewerImagesPerSecond: medianOf(own.map((pass) => pass.viewerImagesPerSecond)),
      },
    ];
  }),
) as Record<
  Configuration,
  {
    cpuMillisecondsPerFrame: number;
    framesPerSecond: number;
    thumbnailsPerSecond: number;
    viewerImagesPerSecond: number;
  }
>;
const base = summary.base.cpuMillisecondsPerFrame;
const extra = Object.fromEntries(
  configurations
    .filter((configuration) => configuration !== "base")
    .map((configuration) => [configuration, summary[configuration].cpuMillisecondsPerFrame / base - 1]),
);
for (const [configuration, share] of Object.entries(extra)) {
  console.log(`${configuration}: ${(share * 100).toFixed(1)}% extra CPU per frame (target < 10%)`);
}
const file = await writeResult("preview-cost", "pnpm --filter @framepipe/bench preview-cost", {
  loadAverage: machineLoad(),
  setup:
    "framepipe run (websocket → resize 320×180 JPEG → fs) in a child process; framepipe simulate in another; " +
    `${viewerCount} SSE viewers fetching every new thumbnail in this process; CPU of the framepipe process from /proc`,
  workload: `${bots} bots × ${participantsPerBot} participants (${screensharePerBot} sharing a screen per bot): ${streams} streams at 2 fps, realistic frames; warm-up ${warmupSeconds} s, window ${windowSeconds} s, ${rounds} rounds`,
  summary,
  extraCpuPerFrame: extra,
  passes,
  target: "the preview adds < 10% CPU per frame to the same pipeline without it",
});
console.log(`wrote ${file}`);
