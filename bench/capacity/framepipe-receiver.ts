import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compiledNodeArguments } from "../lib/compiled-workspace.js";
import { freePort } from "../lib/free-port.js";
import { histogramOf, parsePrometheusText, sumOf } from "./prometheus-text.js";
import { type ReceiverUnderTest, stopChild, waitUntil } from "./receiver-under-test.js";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const cliBin = join(repositoryRoot, "packages/cli/bin/framepipe.js");

/**
 * The Node flags the installed `framepipe` command starts with: those of its shebang line
 * (`#!/usr/bin/env -S node --initial-old-space-size=128`), so the benchmark runs what users run.
 */
export function cliNodeFlags(): string[] {
  const shebang = readFileSync(cliBin, "utf8").split("\n", 1)[0] ?? "";
  const words = shebang.replace(/^#!\s*/, "").split(/\s+/);
  return words.slice(words.indexOf("node") + 1).filter((word) => word.startsWith("--"));
}
const token = "bench-capacity-token";

/**
 * What the receivers do with each frame: resize it to a 320×180 JPEG, store the PNG as it came,
 * or encode it into its stream's mp4 (one ffmpeg libx264 per stream, bench/video-throughput.ts).
 */
export type CapacityPipeline = "resize" | "passthrough" | "video";

/**
 * The pipeline under test, as a user would write it: the websocket source, a resize to a 320×180
 * JPEG thumbnail (left out for `passthrough`) and the fs sink, every runtime setting at its
 * default (per-stream queues of 64, `overflow: block`, a 256 MiB in-flight budget, concurrency 8).
 */
export function capacityConfig(options: {
  wsPort: number;
  apiPort: number;
  outputDir: string;
  pipeline?: CapacityPipeline;
  /** Extra `runtime:` settings (`key: value` YAML), for tuning experiments. */
  runtime?: Readonly<Record<string, string>>;
}): string {
  return [
    "version: 1",
    "sources:",
    "  recall:",
    "    type: websocket",
    "    host: 127.0.0.1",
    `    port: ${options.wsPort}`,
    "    path: /recall/",
    `    token: ${token}`,
    ...(options.pipeline === "passthrough" || options.pipeline === "video"
      ? []
      : [
          "transforms:",
          "  thumbs:",
          "    type: resize",
          "    inputs: [recall]",
          "    width: 320",
          "    height: 180",
          "    format: jpeg",
        ]),
    "sinks:",
    "  disk:",
    ...(options.pipeline === "video"
      ? [
          // Every default of the video sink (mp4, libx264 veryfast, 2 fps, -threads 1) but the
          // encoder cap, raised so that no stream is ever cut into segments during a step.
          "    type: video",
          "    inputs: [recall]",
          `    dir: ${JSON.stringify(options.outputDir)}`,
          "    maxEncoders: 1000",
        ]
      : [
          "    type: fs",
          `    inputs: [${options.pipeline === "passthrough" ? "recall" : "thumbs"}]`,
          `    dir: ${JSON.stringify(options.outputDir)}`,
        ]),
    "runtime:",
    // Only so that a step ends quickly: the drain at the end is not measured.
    "  shutdownTimeout: 10s",
    ...Object.entries(options.runtime ?? {}).map(([key, value]) => `  ${key}: ${value}`),
    "api:",
    "  host: 127.0.0.1",
    `  port: ${options.apiPort}`,
    "log:",
    "  level: warn",
    "",
  ].join("\n");
}

/**
 * Starts `framepipe run` (compiled: `--conditions=framepipe-compiled`) on {@link capacityConfig} (with extra `runtime` settings) as a child
 * process (with `nodeArguments`, e.g. `--cpu-prof`) and waits for `/ready`.
 */
export async function startFramepipeReceiver(
  outputDir: string,
  logDir: string,
  nodeArguments: readonly string[] = [],
  runtime: Readonly<Record<string, string>> = {},
  pipeline: CapacityPipeline = "resize",
): Promise<ReceiverUnderTest> {
  const wsPort = await freePort();
  const apiPort = await freePort();
  const configFile = join(logDir, "capacity-pipeline.yaml");
  await writeFile(configFile, capacityConfig({ wsPort, apiPort, outputDir, runtime, pipeline }));
  const log = openSync(join(logDir, "framepipe.log"), "a");
  // Compiled JavaScript, as an install from npm runs it (run-capacity builds the workspace first).
  const child = spawn(
    process.execPath,
    [...cliNodeFlags(), ...compiledNodeArguments, ...nodeArguments, cliBin, "run", configFile],
    {
      cwd: repositoryRoot,
      stdio: ["ignore", log, log],
    },
  );
  const api = `http://127.0.0.1:${apiPort}`;
  await waitUntil(
    async () => (await fetch(`${api}/ready`)).status === 200,
    child,
    60_000,
    "framepipe run (waiting for /ready)",
  );
  return {
    name: "framepipe",
    pid: child.pid!,
    url: `ws://127.0.0.1:${wsPort}/recall/`,
    token,
    async counters() {
      const samples = parsePrometheusText(await (await fetch(`${api}/metrics`)).text());
      return {
        received: sumOf(samples, "framepipe_frames_received_total", { component: "recall" }),
        written: sumOf(samples, "framepipe_frames_sent_total", { component: "disk" }),
        dropped: sumOf(samples, "framepipe_frames_dropped_total"),
        errors: sumOf(samples, "framepipe_errors_total"),
        latency: histogramOf(samples, "framepipe_frame_latency_seconds", "disk"),
        queued: sumOf(samples, "framepipe_queue_depth"),
      };
    },
    async startWindow() {},
    stop: (graceMs) => stopChild(child, graceMs),
  };
}
