import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AnyPluginDefinition,
  type ComponentConfig,
  createPipeline,
  type OnErrorPolicy,
  type PipelineConfig,
} from "@framepipe/core";
import { createMemorySource, createTestStream } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { type FsSinkOptionsInput, fsSink } from "../src/index.js";
import { tempDir, walkFiles } from "./support/temp-dir.js";

function component(
  id: string,
  definition: AnyPluginDefinition,
  inputs: string[],
  options: Record<string, unknown>,
  onError: OnErrorPolicy = "drop",
): ComponentConfig {
  return { id, kind: definition.kind, type: definition.type, inputs, onError, options, definition };
}

function pipelineConfig(source: AnyPluginDefinition, sinkOptions: FsSinkOptionsInput): PipelineConfig {
  return {
    version: 1,
    sources: [component("memory", source, [], {})],
    transforms: [],
    sinks: [component("disk", fsSink, ["memory"], fsSink.options.parse(sinkOptions))],
    runtime: {
      queue: 64,
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

describe("fs sink in a pipeline (memory source → fs sink)", () => {
  it("writes every frame and the manifests, which are complete once the pipeline has stopped", async () => {
    const dir = await tempDir();
    const frames = createTestStream({ participants: 3, types: ["webcam", "screenshare"], frames: 5 });
    const source = createMemorySource(frames);
    const pipeline = await createPipeline(pipelineConfig(source.definition, { dir, manifest: true }));
    await pipeline.start();
    const summary = await pipeline.done;
    expect(summary.written).toEqual({ disk: frames.length });
    expect(summary.errors).toBe(0);
    const files = await walkFiles(dir);
    expect(files.filter((file) => file.endsWith(".png"))).toHaveLength(frames.length);
    const recording = frames[0]!.recording.id;
    const manifests = files.filter((file) => file.endsWith("manifest.ndjson"));
    expect(manifests).toHaveLength(6);
    const lines = (await readFile(join(dir, recording, "101-screenshare", "manifest.ndjson"), "utf8"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { seq: number; file: string });
    expect(lines.map((line) => line.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(lines[4]?.file).toBe(`${recording}/101-screenshare/000004.png`);
  });

  it("counts frames it cannot write as errors and keeps writing the other participants", async () => {
    const dir = await tempDir();
    // Tests run as root, for whom a chmod 0o555 folder is still writable. A regular file where
    // participant 101's folder must go fails every write of that participant (ENOTDIR/EEXIST),
    // for any user, like an unwritable folder would.
    await writeFile(join(dir, "101"), "not a folder");
    const frames = createTestStream({ participants: 3, frames: 4 });
    const source = createMemorySource(frames);
    const pipeline = await createPipeline(
      pipelineConfig(source.definition, { dir, path: "{participant.id}/{seq}.{ext}" }),
    );
    await pipeline.start();
    const summary = await pipeline.done;
    expect(summary.written).toEqual({ disk: 8 });
    expect(summary.errors).toBe(4);
    expect(summary.dropped).toEqual({ error: 4 });
    expect(pipeline.stats().components.disk?.errors).toEqual({ write: 4 });
    const files = await walkFiles(dir);
    expect(files).toEqual([
      "100/000000.png",
      "100/000001.png",
      "100/000002.png",
      "100/000003.png",
      "101",
      "102/000000.png",
      "102/000001.png",
      "102/000002.png",
      "102/000003.png",
    ]);
  });

  it("overwrite false: a file of an earlier run is kept, and the stream's numbering moves past it", async () => {
    const dir = await tempDir();
    const frames = createTestStream({ participants: 1, frames: 3 });
    const recording = frames[0]!.recording.id;
    await mkdir(join(dir, recording, "100-webcam"), { recursive: true });
    await writeFile(join(dir, recording, "100-webcam", "000001.png"), "older run");
    const pipeline = await createPipeline(pipelineConfig(createMemorySource(frames).definition, { dir }));
    await pipeline.start();
    const summary = await pipeline.done;
    expect(summary.written).toEqual({ disk: 3 });
    expect(summary.errors).toBe(0);
    expect(await readFile(join(dir, recording, "100-webcam", "000001.png"), "utf8")).toBe("older run");
    expect(await readFile(join(dir, recording, "100-webcam", "000000.png"))).toEqual(frames[0]!.image.data);
    expect(await readFile(join(dir, recording, "100-webcam", "000002.png"))).toEqual(frames[1]!.image.data);
    expect(await readFile(join(dir, recording, "100-webcam", "000003.png"))).toEqual(frames[2]!.image.data);
  });

  it("overwrite false, a template without {seq}: a frame whose file exists is an error, the file is kept", async () => {
    const dir = await tempDir();
    const frames = createTestStream({ participants: 1, frames: 3 });
    await writeFile(join(dir, "100-500.png"), "older run");
    const source = createMemorySource(frames).definition;
    const pipeline = await createPipeline(
      pipelineConfig(source, { dir, path: "{participant.id}-{timestamp.relative}.{ext}" }),
    );
    await pipeline.start();
    const summary = await pipeline.done;
    expect(summary.written).toEqual({ disk: 2 });
    expect(summary.errors).toBe(1);
    expect(await readFile(join(dir, "100-500.png"), "utf8")).toBe("older run");
    expect(await readFile(join(dir, "100-1000.png"))).toEqual(frames[2]!.image.data);
  });
});
