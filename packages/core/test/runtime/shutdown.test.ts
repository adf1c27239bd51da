import { describe, expect, it } from "vitest";
import type { PipelineConfig } from "../../src/config/pipeline-config.js";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import type { CreatePipelineOptions } from "../../src/runtime/create-pipeline.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "./support/config.js";
import { type Deferred, deferred, settle, until } from "./support/deferred.js";
import { ManualClock } from "./support/manual-clock.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";

/** source → two transforms → two sinks, every call logged in one list; sink `slow` waits for the test. */
async function gatedPipeline(options: CreatePipelineOptions = {}, runtime: Partial<PipelineConfig["runtime"]> = {}) {
  const log: string[] = [];
  const gates: Deferred<void>[] = [];
  const source = memorySource({ log });
  const slow = collectSink({
    log,
    write() {
      const gate = deferred();
      gates.push(gate);
      return gate.promise;
    },
  });
  const quick = collectSink({ log });
  const pipeline = await createPipeline(
    pipelineConfig({
      sources: [component("src", source.definition)],
      transforms: [
        component(
          "first",
          mapTransform((frame) => frame, log),
          ["src"],
        ),
        component(
          "second",
          mapTransform((frame) => frame, log),
          ["first"],
        ),
      ],
      sinks: [component("slow", slow.definition, ["second"]), component("quick", quick.definition, ["second"])],
      runtime,
    }),
    options,
  );
  await pipeline.start();
  return { log, gates, source, slow, quick, pipeline };
}

describe("stop()", () => {
  it("drains frames in flight, ends groups, flushes, then closes in reverse order", async () => {
    const { log, gates, source, slow, pipeline } = await gatedPipeline();
    source.handle.frames(4);
    await until(() => gates.length === 1);
    const stopped = pipeline.stop({ reason: "test" });
    expect(pipeline.state).toBe("draining");
    await until(() => source.handle.calls.includes("stop"));
    expect(slow.handle.groups).toHaveLength(0);
    for (let released = 0; released < 4; released += 1) {
      await until(() => gates.length > released);
      gates[released]!.resolve();
    }
    const summary = await stopped;
    expect(summary).toMatchObject({
      reason: "test",
      received: 4,
      written: { slow: 4, quick: 4 },
      dropped: {},
      errors: 0,
      unwritten: 0,
      drained: true,
    });
    expect(pipeline.state).toBe("stopped");
    expect(await pipeline.done).toBe(summary);
    expect(log.filter((line) => !line.includes("write") && !line.includes("end-"))).toEqual([
      "src:start",
      "src:stop",
      "slow:flush",
      "quick:flush",
      "quick:close",
      "slow:close",
      "second:close",
      "first:close",
    ]);
    const ends = log.filter((line) => line.includes("end-"));
    expect(ends.sort()).toEqual([
      "quick:end-group rec-1#1 shutdown",
      "quick:end-stream rec-1#1#webcam",
      "slow:end-group rec-1#1 shutdown",
      "slow:end-stream rec-1#1#webcam",
    ]);
    expect(log.indexOf("slow:end-group rec-1#1 shutdown")).toBeLessThan(log.indexOf("slow:flush"));
    expect(pipeline.stats().queueDepth).toBe(0);
  });

  it("accepts what a source emits while stopping: nothing read is lost", async () => {
    const { gates, source, pipeline } = await gatedPipeline({}, { queue: 2 });
    source.handle.frames(8);
    expect(source.handle.paused).toBe(true);
    expect(source.handle.buffered).toBe(6);
    const stopped = pipeline.stop();
    for (let released = 0; released < 8; released += 1) {
      await until(() => gates.length > released);
      gates[released]!.resolve();
    }
    const summary = await stopped;
    expect(summary.received).toBe(8);
    expect(summary.written).toEqual({ slow: 8, quick: 8 });
  });

  it("gives up at shutdownTimeout, counting what was left unwritten", async () => {
    const clock = new ManualClock();
    const { gates, source, slow, quick, pipeline } = await gatedPipeline({ clock }, { shutdownTimeout: 5000 });
    source.handle.frames(5);
    await until(() => gates.length === 1 && quick.handle.frames.length === 5);
    const stopped = pipeline.stop();
    await settle();
    expect(pipeline.state).toBe("draining");
    clock.advance(4999);
    await settle();
    expect(pipeline.state).toBe("draining");
    clock.advance(1);
    const summary = await stopped;
    expect(summary).toMatchObject({ unwritten: 5, drained: false, written: { slow: 0, quick: 5 } });
    expect(summary.dropped).toEqual({ shutdown: 4 });
    expect(pipeline.state).toBe("stopped");
    expect(slow.handle.context?.signal.aborted).toBe(true);
    expect(slow.handle.groups).toHaveLength(0);
    await until(() => slow.handle.calls.includes("close"));
  });

  it("forces at once on a second stop() while draining", async () => {
    const { gates, source, slow, pipeline } = await gatedPipeline();
    source.handle.frames(3);
    await until(() => gates.length === 1);
    const first = pipeline.stop();
    const second = pipeline.stop({ reason: "SIGINT" });
    const summary = await second;
    expect(await first).toBe(summary);
    expect(summary.unwritten).toBe(3);
    expect(summary.drained).toBe(false);
    expect(slow.handle.context?.signal.aborted).toBe(true);
    expect(await pipeline.stop()).toBe(summary);
  });

  it("stops a pipeline that never started, closing its components", async () => {
    const log: string[] = [];
    const source = memorySource({ log });
    const sink = collectSink({ log });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    const summary = await pipeline.stop();
    expect(summary).toMatchObject({ received: 0, unwritten: 0, drained: true, durationMs: 0 });
    expect(log).toEqual(["out:close", "src:stop"]);
    await expect(pipeline.start()).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("drains on its own when every source completes, ending groups as source-complete", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(3);
    source.handle.complete();
    expect(pipeline.state).toBe("draining");
    // A stop() while it drains on its own waits for the drain instead of forcing it.
    const summary = await pipeline.stop();
    expect(summary).toMatchObject({ reason: "sources completed", drained: true, written: { out: 3 } });
    expect(sink.handle.groups.map((group) => group.reason)).toEqual(["source-complete"]);
  });

  it("waits for start() to finish when stopped while starting, and completes events$ and frames$", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    let eventsCompleted = false;
    let framesCompleted = false;
    pipeline.events$.subscribe({ complete: () => (eventsCompleted = true) });
    pipeline.frames$.subscribe({ complete: () => (framesCompleted = true) });
    const started = pipeline.start();
    expect(pipeline.state).toBe("starting");
    const summary = await pipeline.stop();
    await started;
    expect(summary.drained).toBe(true);
    expect(source.handle.calls).toEqual(["start", "stop"]);
    expect(pipeline.state).toBe("stopped");
    expect(eventsCompleted && framesCompleted).toBe(true);
  });

  it("fails start() when a source cannot start, naming it", async () => {
    const first = memorySource();
    const broken = memorySource({ startError: new Error("EADDRINUSE") });
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("first", first.definition), component("broken", broken.definition)],
        sinks: [component("out", sink.definition, ["first", "broken"])],
      }),
    );
    const failure = await pipeline.start().catch((error: unknown) => error);
    expect(FramepipeError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: "SOURCE_FAILED", component: "source:memory#broken", stage: "start" });
    expect(pipeline.state).toBe("failed");
    await expect(pipeline.done).rejects.toBe(failure);
    expect(first.handle.calls).toEqual(["start", "stop"]);
    expect(sink.handle.calls).toEqual(["close"]);
  });
});
