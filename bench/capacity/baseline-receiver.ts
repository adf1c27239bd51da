import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compiledBenchFile } from "../lib/compiled-workspace.js";
import { freePort } from "../lib/free-port.js";
import type { CapacityPipeline } from "./framepipe-receiver.js";
import type { LatencyHistogram } from "./latency-histogram.js";
import { type ReceiverUnderTest, stopChild, waitUntil } from "./receiver-under-test.js";

// Compiled like framepipe's side (run-capacity builds the workspace first): both receivers run
// plain JavaScript, without tsx's loader thread.
const script = compiledBenchFile(new URL("./minimal-receiver.ts", import.meta.url).href);
const benchFolder = fileURLToPath(new URL("..", import.meta.url));

interface BaselineStats {
  received: number;
  written: number;
  errors: number;
  latency: LatencyHistogram;
  window: { frames: number; p50: number | null; p99: number | null };
}

/** Starts the hand-written minimal receiver (minimal-receiver.ts) writing into `outputDir`, node run with `nodeArguments`. */
export async function startBaselineReceiver(
  outputDir: string,
  logDir: string,
  nodeArguments: readonly string[] = [],
  pipeline: CapacityPipeline = "resize",
): Promise<ReceiverUnderTest> {
  const wsPort = await freePort();
  const statsPort = await freePort();
  const log = openSync(join(logDir, "baseline.log"), "a");
  const child = spawn(
    process.execPath,
    [...nodeArguments, script, String(wsPort), String(statsPort), outputDir, pipeline],
    {
      cwd: benchFolder,
      stdio: ["ignore", log, log],
    },
  );
  const stats = async (path: string): Promise<BaselineStats> => {
    const response = await fetch(`http://127.0.0.1:${statsPort}${path}`);
    return (await response.json()) as BaselineStats;
  };
  await waitUntil(() => stats("/stats").then(() => true), child, 30_000, "baseline receiver");
  return {
    name: "baseline",
    pid: child.pid!,
    url: `ws://127.0.0.1:${wsPort}/recall/`,
    token: "bench-capacity-token",
    async counters() {
      const current = await stats("/stats");
      return {
        received: current.received,
        written: current.written,
        dropped: 0,
        errors: current.errors,
        latency: current.latency,
        queued: current.received - current.written - current.errors,
        exact: current.window,
      };
    },
    async startWindow() {
      await stats("/window");
    },
    stop: (graceMs) => stopChild(child, graceMs),
  };
}
