import { describe, expect, it } from "vitest";
import type { RuntimeConfig } from "../../src/config/pipeline-config.js";
import type { VideoFrame } from "../../src/model/video-frame.js";
import type { TransformDefinition } from "../../src/plugin/define-plugin.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "./support/config.js";
import { type Deferred, deferred, until } from "./support/deferred.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";

/** A pipeline whose sink holds every write until the test releases it; `through` runs before the sink. */
async function overloaded(
  runtime: Partial<RuntimeConfig>,
  sourceOptions: { honourPause?: boolean } = {},
  through?: TransformDefinition,
) {
  const source = memorySource(sourceOptions);
  const gates: Deferred<void>[] = [];
  let open = false;
  const sink = collectSink({
    write() {
      if (open) return;
      const gate = deferred();
      gates.push(gate);
      return gate.promise;
    },
  });
  const pipeline = await createPipeline(
    pipelineConfig({
      sources: [component("src", source.definition)],
      transforms: through ? [component("work", through, ["src"])] : [],
      sinks: [component("out", sink.definition, [through ? "work" : "src"])],
      runtime,
    }),
  );
  await pipeline.start();
  /** Lets every write through, waits until the source has nothing held back, then stops. */
  const release = async () => {
    open = true;
    for (const gate of gates) gate.resolve();
    await until(() => source.handle.buffered === 0 && pipeline.stats().queueDepth === 0);
    return pipeline.stop();
  };
  return { source, sink, gates, pipeline, release };
}

const seqs = (frames: readonly VideoFrame[]) => frames.map((frame) => frame.seq);

describe("overflow: drop-newest", () => {
  it("keeps the earliest frames and counts the rest as queue-full", async () => {
    const { source, sink, gates, pipeline, release } = await overloaded({ overflow: "drop-newest", queue: 4 });
    source.handle.frames(1);
    await until(() => gates.length === 1);
    source.handle.frames(9);
    expect(pipeline.stats().dropped).toEqual({ "queue-full": 6 });
    const summary = await release();
    expect(seqs(sink.handle.frames)).toEqual([0, 1, 2, 3]);
    expect(summary.dropped).toEqual({ "queue-full": 6 });
    expect(summary.received).toBe(10);
    expect(pipeline.stats().components.src?.dropped).toEqual({ "queue-full": 6 });
  });
});

describe("overflow: drop-oldest", () => {
  it("keeps the frame being written and the latest ones, evicting the oldest waiting", async () => {
    const { source, sink, gates, release } = await overloaded({ overflow: "drop-oldest", queue: 4 });
    source.handle.frames(1);
    await until(() => gates.length === 1);
    source.handle.frames(9);
    const summary = await release();
    expect(seqs(sink.handle.frames)).toEqual([0, 7, 8, 9]);
    expect(summary.dropped).toEqual({ "queue-full": 6 });
    expect(summary.written).toEqual({ out: 4 });
  });

  it("evicts frames nothing was done to before frames a transform already worked on", async () => {
    const transformed: number[] = [];
    const record = mapTransform((frame) => {
      transformed.push(frame.seq);
      return frame;
    });
    const { source, sink, gates, release } = await overloaded({ overflow: "drop-oldest", queue: 4 }, {}, record);
    source.handle.frames(1);
    await until(() => gates.length === 1);
    // 9 arrive at once: only frames nothing was done to yet are evicted (the oldest of them).
    source.handle.frames(9);
    await until(() => transformed.length === 4);
    expect(transformed).toEqual([0, 7, 8, 9]);
    // Now every waiting frame is transformed. Frame 10 finds nothing untouched, so the oldest
    // transformed one (7) makes room: a live consumer still gets the freshest frame next. Frame 11
    // then finds 10 untouched and takes its place, and 8 and 9, already transformed, are kept.
    source.handle.frames(2);
    const summary = await release();
    expect(seqs(sink.handle.frames)).toEqual([0, 8, 9, 11]);
    expect(transformed).toEqual([0, 7, 8, 9, 11]);
    expect(summary.dropped).toEqual({ "queue-full": 8 });
  });

  it("under memory pressure takes from the longest backlog first", async () => {
    const { source, sink, gates, release } = await overloaded({
      overflow: "drop-oldest",
      queue: 100,
      maxInFlightBytes: 1000,
    });
    source.handle.frames(1, { participantId: 1, bytes: 100 });
    await until(() => gates.length === 1);
    source.handle.frames(8, { participantId: 1, bytes: 100 });
    source.handle.frames(3, { participantId: 2, bytes: 100 });
    const summary = await release();
    const byParticipant = (id: number) => seqs(sink.handle.frames.filter((frame) => frame.participant.id === id));
    expect(byParticipant(2)).toEqual([0, 1, 2]);
    expect(byParticipant(1)).toEqual([0, 3, 4, 5, 6, 7, 8]);
    expect(summary.dropped).toEqual({ "memory-budget": 2 });
  });
});

describe("overflow: block", () => {
  it("pauses the source at the queue bound, resumes below the low-water mark, and loses nothing", async () => {
    const { source, sink, gates, pipeline } = await overloaded({ overflow: "block", queue: 4 });
    source.handle.frames(10);
    expect(source.handle.calls).toEqual(["start", "pause"]);
    expect(source.handle.paused).toBe(true);
    expect(source.handle.buffered).toBe(6);
    expect(pipeline.stats().components.src?.paused).toBe(true);

    await until(() => gates.length === 1);
    gates[0]!.resolve();
    await until(() => gates.length === 2);
    expect(source.handle.paused).toBe(true); // 3 left: above the low-water mark of 2
    gates[1]!.resolve();
    await until(() => source.handle.calls.includes("resume"));
    expect(source.handle.calls).toEqual(["start", "pause", "resume", "pause"]);

    const stopped = pipeline.stop();
    for (let released = 2; released < 10; released += 1) {
      await until(() => gates.length > released);
      gates[released]!.resolve();
    }
    const summary = await stopped;
    expect(seqs(sink.handle.frames)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(summary.dropped).toEqual({});
    expect(summary.written).toEqual({ out: 10 });
  });

  it("pauses when the byte budget is spent and resumes below 75% of it", async () => {
    const { source, gates, pipeline, release } = await overloaded({
      overflow: "block",
      queue: 100,
      maxInFlightBytes: 1000,
    });
    source.handle.frames(12, { bytes: 100 });
    expect(source.handle.paused).toBe(true);
    expect(pipeline.stats().inFlightBytes).toBe(1000);
    expect(source.handle.buffered).toBe(2);
    for (let released = 0; released < 2; released += 1) {
      await until(() => gates.length > released);
      gates[released]!.resolve();
    }
    await until(() => gates.length === 3);
    expect(source.handle.paused).toBe(true); // 800 bytes in flight: still above 750
    gates[2]!.resolve();
    await until(() => !source.handle.paused);
    expect(pipeline.stats().inFlightBytes).toBeLessThanOrEqual(1000);
    const summary = await release();
    expect(summary.written).toEqual({ out: 12 });
    expect(summary.dropped).toEqual({});
  });

  it("counts a frame a transform is working on by its decoded size, so a small PNG claiming a huge image pauses the sources", async () => {
    const decoding: Deferred<VideoFrame>[] = [];
    const decode = mapTransform((frame) => {
      const done = deferred<VideoFrame>();
      decoding.push(done);
      return done.promise.then(() => frame);
    });
    const { source, pipeline, release } = await overloaded(
      { overflow: "block", queue: 100, maxInFlightBytes: 1000 },
      {},
      decode,
    );
    // 100 bytes of PNG that decode to 20 × 10 × 4 = 800 bytes.
    source.handle.frames(1, { bytes: 100, width: 20, height: 10 });
    await until(() => decoding.length === 1);
    expect(pipeline.stats().inFlightBytes).toBe(900);
    expect(source.handle.paused).toBe(false);
    source.handle.frames(3, { bytes: 100 });
    expect(pipeline.stats().inFlightBytes).toBe(1000);
    expect(source.handle.paused).toBe(true);
    expect(source.handle.buffered).toBe(2);
    decoding[0]!.resolve(undefined as never);
    await until(() => !source.handle.paused);
    const finished = release();
    for (let index = 1; index < 4; index += 1) {
      await until(() => decoding.length > index);
      decoding[index]!.resolve(undefined as never);
    }
    const summary = await finished;
    expect(summary.written).toEqual({ out: 4 });
    expect(pipeline.stats().inFlightBytes).toBe(0);
  });

  it("bounds memory even when a source ignores pause: past twice the byte budget frames are dropped", async () => {
    const { source, sink, pipeline, release } = await overloaded(
      { overflow: "block", queue: 3, maxInFlightBytes: 300 },
      { honourPause: false },
    );
    source.handle.frames(10, { bytes: 100 });
    expect(source.handle.calls).toEqual(["start", "pause"]);
    expect(pipeline.stats().queueDepth).toBe(6);
    expect(pipeline.stats().inFlightBytes).toBe(600);
    const summary = await release();
    expect(summary.dropped).toEqual({ "memory-budget": 4 });
    expect(seqs(sink.handle.frames)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("lets a single frame larger than the whole budget through when nothing else is in flight", async () => {
    const { source, release } = await overloaded({ overflow: "drop-newest", maxInFlightBytes: 100 });
    source.handle.frames(1, { bytes: 500 });
    source.handle.frames(1, { bytes: 50 });
    const summary = await release();
    expect(summary.written).toEqual({ out: 1 });
    expect(summary.dropped).toEqual({ "memory-budget": 1 });
  });
});

describe("memory bound under sustained overload", () => {
  it.each(["block", "drop-oldest", "drop-newest"] as const)(
    "never holds more than the bounds (%s)",
    async (overflow) => {
      const { source, gates, pipeline, release } = await overloaded(
        { overflow, queue: 8, maxInFlightBytes: 4000 },
        { honourPause: overflow === "block" },
      );
      let maxDepth = 0;
      let maxBytes = 0;
      for (let round = 0; round < 50; round += 1) {
        for (let participantId = 1; participantId <= 4; participantId += 1) {
          source.handle.frames(3, { participantId, bytes: 100 });
        }
        const stats = pipeline.stats();
        maxDepth = Math.max(maxDepth, stats.queueDepth);
        maxBytes = Math.max(maxBytes, stats.inFlightBytes);
        await until(() => gates.length > 0);
        for (const gate of gates.splice(0, 2)) gate.resolve();
      }
      const summary = await release();
      expect(maxDepth).toBeLessThanOrEqual(4 * 8);
      expect(maxBytes).toBeLessThanOrEqual(4000);
      const written = summary.written.out ?? 0;
      const dropped = Object.values(summary.dropped).reduce((sum, count) => sum + (count ?? 0), 0);
      expect(written + dropped).toBe(summary.received);
      if (overflow === "block") expect(dropped).toBe(0);
      else expect(dropped).toBeGreaterThan(0);
    },
  );
});
