import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import {
  type ApiServer,
  type ComponentConfig,
  createPipeline,
  makeDirectory,
  type OnErrorPolicy,
  type Pipeline,
  type PipelineConfig,
  PrometheusPipelineMetrics,
  RETRY_MAX_ATTEMPTS,
  startApiServer,
} from "@framepipe/core";
import {
  canMountSmallDisk,
  createMemorySource,
  createTestStream,
  mountSmallDisk,
  type SmallDisk,
} from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type FsSinkOptionsInput, fsSink } from "../src/index.js";
import { walkFiles } from "./support/temp-dir.js";

/**
 * A real full or read-only disk (a 2 MiB tmpfs, which needs root, as in CI), under a pipeline with
 * `overflow: block`: frames are held and retried while the disk fails, and land once it is fixed;
 * past `retryFor` they are counted as lost, with the reason.
 */

const frameCount = 12;
let disk: SmallDisk | undefined;
let api: ApiServer | undefined;
let pipeline: Pipeline | undefined;

afterEach(async () => {
  await api?.close();
  if (pipeline && pipeline.state !== "stopped" && pipeline.state !== "failed") await pipeline.stop().catch(() => {});
  await disk?.remove();
  api = undefined;
  pipeline = undefined;
  disk = undefined;
});

/** Polls `predicate` every 20 ms until it holds; fails after `timeoutMs` naming what was awaited. */
async function waitFor(predicate: () => boolean | Promise<boolean>, description: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await delay(20);
  }
}

function config(
  source: ComponentConfig["definition"],
  sinkOptions: FsSinkOptionsInput,
  onError: OnErrorPolicy = "drop",
): PipelineConfig {
  const component = (
    id: string,
    definition: ComponentConfig["definition"],
    inputs: string[],
    options: Record<string, unknown>,
  ): ComponentConfig => ({
    id,
    kind: definition.kind,
    type: definition.type,
    inputs,
    onError,
    options,
    definition,
  });
  return {
    version: 1,
    sources: [component("memory", source, [], {})],
    transforms: [],
    sinks: [component("disk", fsSink, ["memory"], fsSink.options.parse(sinkOptions))],
    // A small queue, so the source is paused (not just buffered) while the sink retries.
    runtime: {
      queue: 4,
      overflow: "block",
      maxInFlightBytes: 64 * 1024 * 1024,
      concurrency: 4,
      idleTimeout: 120_000,
      shutdownTimeout: 30_000,
      deadLetterDir: null,
    },
    api: { port: null, host: "127.0.0.1" },
    log: { level: "silent" },
    plugins: [],
    baseDir: process.cwd(),
    file: null,
  };
}

/**
 * One participant's webcam stream: one lane, so the failing sink's attempts are that frame's. The
 * pipeline stops on its own once every frame is written or lost, unless `keepRunning`.
 */
async function startPipeline(sinkOptions: FsSinkOptionsInput, keepRunning = false) {
  const frames = createTestStream({ participants: 1, frames: frameCount });
  const source = createMemorySource(frames, { complete: keepRunning ? "on-stop" : "when-drained" });
  const metrics = new PrometheusPipelineMetrics();
  const started = await createPipeline(config(source.definition, sinkOptions), { metrics });
  pipeline = started;
  api = await startApiServer({
    port: 0,
    registry: metrics.registry,
    isReady: () => started.state === "running",
    failing: () => started.stats().failing,
  });
  await started.start();
  return { source, pipeline: started, api };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function framesOnDisk(root: string): Promise<string[]> {
  return (await walkFiles(root)).filter((file) => file.endsWith(".png")).sort();
}

describe.skipIf(!canMountSmallDisk)("fs sink on a failing disk (tmpfs)", () => {
  it("a full disk: frames are held and retried under block, and all land once space is freed", async () => {
    disk = await mountSmallDisk();
    await disk.fill();
    const { source, pipeline } = await startPipeline({ dir: disk.path, retryFor: "10m" });

    // Past the five attempts after which a frame used to be dropped.
    await waitFor(
      () => (pipeline.stats().failing[0]?.failedAttempts ?? 0) > RETRY_MAX_ATTEMPTS,
      "more than five failed attempts",
    );
    expect(pipeline.stats().failing[0]?.reason).toBe("no space left on device (ENOSPC)");
    expect(pipeline.stats().dropped).toEqual({});
    expect(pipeline.stats().written).toBe(0);
    expect(source.paused).toBe(true);
    expect(source.emitted).toBeLessThan(frameCount);

    await disk.free();
    const summary = await pipeline.done;
    expect(summary.written).toEqual({ disk: frameCount });
    expect(summary.dropped).toEqual({});
    expect(summary.failures).toEqual([]);
    expect(await framesOnDisk(disk.path)).toHaveLength(frameCount);
  }, 30_000);

  it("a read-only disk: /ready answers 503 and /health names the sink until it is writable again", async () => {
    disk = await mountSmallDisk();
    await disk.readOnly();
    const { pipeline, api } = await startPipeline({ dir: disk.path, retryFor: "10m" }, true);

    await waitFor(async () => (await getJson(`${api.url}/ready`)).status === 503, "/ready to answer 503");
    const ready = await getJson(`${api.url}/ready`);
    expect(ready.body).toMatchObject({
      status: "failing",
      failing: [{ component: "disk", label: "sink:fs#disk", reason: "read-only file system (EROFS)" }],
    });
    const health = await getJson(`${api.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: "degraded",
      failing: [{ component: "disk", reason: "read-only file system (EROFS)" }],
    });

    await disk.readWrite();
    await waitFor(async () => (await getJson(`${api.url}/ready`)).status === 200, "/ready to answer 200 again");
    expect((await getJson(`${api.url}/health`)).body).toEqual({ status: "ok" });
    await waitFor(() => pipeline.stats().written === frameCount, "every frame written");
    const summary = await pipeline.stop();
    expect(summary.written).toEqual({ disk: frameCount });
    expect(summary.failures).toEqual([]);
    expect(await framesOnDisk(disk.path)).toHaveLength(frameCount);
  }, 30_000);

  it("makeDirectory reports a read-only disk as EROFS, where Node's recursive mkdir says ENOENT", async () => {
    disk = await mountSmallDisk();
    await disk.readOnly();
    const folder = join(disk.path, "rec-1", "7-webcam");
    await expect(mkdir(folder, { recursive: true })).rejects.toMatchObject({ code: "ENOENT" });
    await expect(makeDirectory(folder)).rejects.toMatchObject({ code: "EROFS" });
    await disk.readWrite();
    await makeDirectory(folder);
    expect((await stat(folder)).isDirectory()).toBe(true);
  });

  it("a disk that stays read-only: past retryFor every frame is counted as lost, with the reason", async () => {
    disk = await mountSmallDisk();
    await disk.readOnly();
    const { pipeline } = await startPipeline({ dir: disk.path, retryFor: "200ms" });

    const summary = await pipeline.done;
    expect(summary.written).toEqual({ disk: 0 });
    expect(summary.dropped).toEqual({ error: frameCount });
    expect(summary.failures).toEqual([
      {
        component: "disk",
        label: "sink:fs#disk",
        reason: "read-only file system (EROFS)",
        lost: frameCount,
        deadLettered: 0,
      },
    ]);
  }, 30_000);
});
