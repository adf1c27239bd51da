import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  type AnyPluginDefinition,
  type ComponentConfig,
  createPipeline,
  type PipelineConfig,
  streamKeyOfFrame,
} from "@framepipe/core";
import recordSink from "@framepipe/sink-record";
import { createCollectSink, createMemorySource } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import replaySource from "../src/index.js";
import { comparable, realisticFrames } from "./support/realistic-frames.js";
import { tempDir } from "./support/temp-dir.js";

function component(
  id: string,
  definition: AnyPluginDefinition,
  inputs: string[],
  options: Record<string, unknown>,
): ComponentConfig {
  return {
    id,
    kind: definition.kind,
    type: definition.type,
    inputs,
    onError: "drop",
    options: definition.options.parse(options) as Record<string, unknown>,
    definition,
  };
}

function pipelineConfig(sources: ComponentConfig[], sinks: ComponentConfig[]): PipelineConfig {
  return {
    version: 1,
    sources,
    transforms: [],
    sinks,
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

describe("record and replay in pipelines", () => {
  it("memory → record, then replay → (record, collect): the same frames, and a byte-identical recording", async () => {
    const frames = await realisticFrames(2);
    const first = await tempDir();
    const second = await tempDir();

    const memory = createMemorySource(frames);
    const recording = await createPipeline(
      pipelineConfig(
        [component("memory", memory.definition, [], {})],
        [component("rec", recordSink, ["memory"], { dir: first, gzip: true })],
      ),
    );
    await recording.start();
    const recorded = await recording.done;
    expect(recorded).toMatchObject({ written: { rec: frames.length }, errors: 0 });

    const collect = createCollectSink();
    const replaying = await createPipeline(
      pipelineConfig(
        [component("replay", replaySource, [], { files: first, speed: "max" })],
        [
          component("rec", recordSink, ["replay"], { dir: second, gzip: true }),
          component("collect", collect.definition, ["replay"], {}),
        ],
      ),
    );
    await replaying.start();
    const replayed = await replaying.done;
    expect(replayed).toMatchObject({
      received: frames.length,
      written: { rec: frames.length, collect: frames.length },
      errors: 0,
    });

    // Per stream, the collected frames are the originals in order, with the same seq.
    for (const frame of frames) {
      const match = collect.frames.find(
        (candidate) => streamKeyOfFrame(candidate) === streamKeyOfFrame(frame) && candidate.seq === frame.seq,
      );
      expect(match && comparable(match)).toEqual(comparable(frame));
    }
    // Every message recorded again is byte for byte the one first recorded. Streams run
    // concurrently in the runtime, so lines of different streams may interleave differently.
    const lines = async (dir: string, id: string) =>
      gunzipSync(await readFile(join(dir, `${id}.ndjson.gz`)))
        .toString("utf8")
        .split("\n")
        .sort();
    for (const id of ["rec-alpha", "rec-beta"]) {
      const original = await lines(first, id);
      expect(original).toHaveLength(frames.filter((frame) => frame.recording.id === id).length + 1);
      expect(await lines(second, id)).toEqual(original);
    }
  });
});
