import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { defineSink } from "../../src/plugin/define-plugin.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "./support/config.js";
import { type Deferred, deferred, until } from "./support/deferred.js";
import { mapTransform, memorySource } from "./support/plugins.js";

/** A sink whose writes wait until released, recording how many run at once. */
function gatedSink(declared?: number) {
  const gates: Deferred<void>[] = [];
  const state = { running: 0, peak: 0, written: 0 };
  const definition = defineSink({
    type: "gated",
    summary: "test sink that holds every write",
    options: z.strictObject({}),
    ...(declared === undefined ? {} : { concurrency: declared }),
    create: () => ({
      async write(_frame: VideoFrame) {
        state.running += 1;
        state.peak = Math.max(state.peak, state.running);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
        state.running -= 1;
        state.written += 1;
      },
    }),
  });
  return { definition, gates, state };
}

/** Releases every held write until `total` were written. */
async function releaseAll(sink: ReturnType<typeof gatedSink>, total: number): Promise<void> {
  while (sink.state.written < total) {
    await until(() => sink.gates.length > 0 || sink.state.written >= total);
    for (const gate of sink.gates.splice(0)) gate.resolve();
    await until(() => sink.state.running === 0 || sink.gates.length > 0);
  }
}

describe("per-component concurrency", () => {
  it("lets a sink that declares 16 keep 16 writes in flight while runtime.concurrency is 2", async () => {
    const source = memorySource();
    const uploads = gatedSink(16);
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("uploads", uploads.definition, ["src"])],
        runtime: { concurrency: 2 },
      }),
    );
    await pipeline.start();
    for (let participant = 1; participant <= 20; participant += 1)
      source.handle.frames(1, { participantId: participant });
    await until(() => uploads.state.running === 16);
    await releaseAll(uploads, 20);
    expect(uploads.state.peak).toBe(16);
    await pipeline.stop();
  });

  it("lets the config override what the plugin declares, and keeps other components at runtime.concurrency", async () => {
    const source = memorySource();
    const narrow = gatedSink(16);
    let transforming = 0;
    let transformPeak = 0;
    const slowTransform = mapTransform(async (frame) => {
      transforming += 1;
      transformPeak = Math.max(transformPeak, transforming);
      await new Promise<void>((resolve) => setImmediate(resolve));
      transforming -= 1;
      return frame;
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("work", slowTransform, ["src"])],
        sinks: [{ ...component("narrow", narrow.definition, ["work"]), concurrency: 3 }],
        runtime: { concurrency: 2 },
      }),
    );
    await pipeline.start();
    for (let participant = 1; participant <= 12; participant += 1)
      source.handle.frames(1, { participantId: participant });
    await until(() => narrow.state.running === 3);
    await releaseAll(narrow, 12);
    expect(narrow.state.peak).toBe(3);
    expect(transformPeak).toBe(2);
    await pipeline.stop();
  });

  it("lets every write in flight listen to context.signal without Node's leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const source = memorySource();
      const gates: Deferred<void>[] = [];
      const listening = defineSink({
        type: "listening",
        summary: "test sink that passes the signal to each write, as an S3 request would",
        options: z.strictObject({}),
        concurrency: 16,
        create: (_options, context) => ({
          async write() {
            const onAbort = () => {};
            context.signal.addEventListener("abort", onAbort);
            const gate = deferred();
            gates.push(gate);
            await gate.promise;
            context.signal.removeEventListener("abort", onAbort);
          },
        }),
      });
      const pipeline = await createPipeline(
        pipelineConfig({
          sources: [component("src", source.definition)],
          sinks: [component("out", listening, ["src"])],
        }),
      );
      await pipeline.start();
      for (let participant = 1; participant <= 16; participant += 1) {
        source.handle.frames(1, { participantId: participant });
      }
      await until(() => gates.length === 16);
      for (const gate of gates) gate.resolve();
      await pipeline.stop();
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("refuses a plugin that declares a concurrency below 1", () => {
    expect(() =>
      defineSink({
        type: "bad",
        summary: "",
        options: z.strictObject({}),
        concurrency: 0,
        create: () => ({ write() {} }),
      }),
    ).toThrow(/declares concurrency 0/);
  });
});
