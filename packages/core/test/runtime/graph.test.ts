import { bufferCount, filter, map, mergeMap, scan, timer } from "rxjs";
import { describe, expect, it } from "vitest";
import { type VideoFrame, withImage } from "../../src/model/video-frame.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { dedupeTransform } from "../../src/transforms/dedupe.js";
import { component, pipelineConfig } from "./support/config.js";
import { until } from "./support/deferred.js";
import { participantEvent } from "./support/events.js";
import { collectSink, mapTransform, memorySource, streamTransform } from "./support/plugins.js";

describe("per-stream operator transforms", () => {
  it("gives each stream its own operator state and flushes it at the stream's end, before endStream", async () => {
    const source = memorySource();
    const sink = collectSink();
    const created: string[] = [];
    // Keeps every second frame of its stream; at the end, a leftover odd frame is flushed too.
    const pairs = streamTransform((stream) => {
      created.push(stream.key);
      return (frames) =>
        frames.pipe(
          bufferCount(2),
          map((pair) => pair.at(-1)!),
        );
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("pairs", pairs, ["src"])],
        sinks: [component("out", sink.definition, ["pairs"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(5, { participantId: 1 });
    source.handle.frames(2, { participantId: 2 });
    await until(() => sink.handle.frames.length === 3);
    source.handle.emit(participantEvent("leave", { participantId: 1 }));
    await until(() => sink.handle.groups.length === 1);
    expect(sink.handle.calls.filter((call) => call.includes("rec-1#1"))).toEqual([
      "write rec-1#1#webcam 1",
      "write rec-1#1#webcam 3",
      "write rec-1#1#webcam 4",
      "end-stream rec-1#1#webcam",
      "end-group rec-1#1 leave",
    ]);
    expect(created.sort()).toEqual(["rec-1#1#webcam", "rec-1#2#webcam"]);

    // The next group gets a fresh operator: its state does not carry over.
    source.handle.frames(1, { participantId: 1 });
    const summary = await pipeline.stop();
    expect(created.filter((key) => key === "rec-1#1#webcam")).toHaveLength(2);
    expect(sink.handle.frames.filter((frame) => frame.participant.id === 1).map((frame) => frame.seq)).toEqual([
      1, 3, 4, 5,
    ]);
    expect(summary.written).toEqual({ out: 5 });
    expect(pipeline.stats().queueDepth).toBe(0);
  });

  it("keeps a stateful counter per stream and charges emitted frames to flow control", async () => {
    const source = memorySource();
    const sink = collectSink();
    const everyThird = streamTransform(
      () => (frames) =>
        frames.pipe(
          scan((state, frame) => ({ count: state.count + 1, frame }), { count: 0, frame: null as VideoFrame | null }),
          filter((state) => state.count % 3 === 0),
          map((state) => state.frame!),
        ),
    );
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("third", everyThird, ["src"])],
        sinks: [component("out", sink.definition, ["third"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(7, { participantId: 1 });
    source.handle.frames(3, { participantId: 2, type: "screenshare" });
    const summary = await pipeline.stop();
    const seqsOf = (id: number) =>
      sink.handle.frames.filter((frame) => frame.participant.id === id).map((frame) => frame.seq);
    expect(seqsOf(1)).toEqual([2, 5]);
    expect(seqsOf(2)).toEqual([2]);
    expect(summary.written).toEqual({ out: 3 });
    expect(pipeline.stats().components.third).toMatchObject({ received: 10, sent: 3 });
    expect(pipeline.stats().inFlightBytes).toBe(0);
    // The 7 frames the operator took in and never emitted are counted when its streams end.
    expect(summary.dropped.filtered).toBe(7);
    expect(pipeline.stats().components.third?.dropped).toEqual({ filtered: 7 });
  });

  it("counts frames an operator reports dropped at once, and not again when the stream ends", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("same", dedupeTransform, ["src"], { options: dedupeTransform.options.parse({}) })],
        sinks: [component("out", sink.definition, ["same"])],
      }),
    );
    await pipeline.start();
    // Identical images: dedupe keeps the first frame and skips the other four.
    source.handle.frames(5, { participantId: 1 });
    await until(() => pipeline.stats().dropped.filtered === 4 && sink.handle.frames.length === 1);
    expect(sink.handle.streams).toEqual([]);
    const summary = await pipeline.stop();
    expect(sink.handle.streams).toHaveLength(1);
    expect(summary.dropped.filtered).toBe(4);
    expect(pipeline.stats().components.same).toMatchObject({ received: 5, sent: 1, dropped: { filtered: 4 } });
  });

  it("ignores a drop report that is not a positive whole number", async () => {
    const source = memorySource();
    const sink = collectSink();
    const reporting = streamTransform((_stream, controls) => (frames) => {
      controls.dropped(0);
      controls.dropped(-3);
      controls.dropped(1.5);
      return frames;
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("odd", reporting, ["src"])],
        sinks: [component("out", sink.definition, ["odd"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(2, { participantId: 1 });
    const summary = await pipeline.stop();
    expect(summary.written).toEqual({ out: 2 });
    expect(summary.dropped).toEqual({});
  });

  it("waits for an operator's asynchronous outputs before ending the stream", async () => {
    const source = memorySource();
    const sink = collectSink();
    const later = streamTransform(() => (frames) => frames.pipe(mergeMap((frame) => timer(1).pipe(map(() => frame)))));
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("later", later, ["src"])],
        sinks: [component("out", sink.definition, ["later"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(3);
    source.handle.emit(participantEvent("leave"));
    await pipeline.stop();
    expect(sink.handle.calls.slice(0, 5)).toEqual([
      "write rec-1#1#webcam 0",
      "write rec-1#1#webcam 1",
      "write rec-1#1#webcam 2",
      "end-stream rec-1#1#webcam",
      "end-group rec-1#1 leave",
    ]);
  });
});

describe("per-stream operator failures", () => {
  it("pins a synchronous operator error on its frame, then starts a fresh operator for the stream", async () => {
    const source = memorySource();
    const sink = collectSink();
    let operators = 0;
    const fragile = streamTransform(() => {
      operators += 1;
      return (frames) =>
        frames.pipe(
          map((frame) => {
            if (frame.seq === 1) throw new Error("cannot digest");
            return frame;
          }),
        );
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("fragile", fragile, ["src"])],
        sinks: [component("out", sink.definition, ["fragile"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(3);
    const summary = await pipeline.stop();
    expect(sink.handle.frames.map((frame) => frame.seq)).toEqual([0, 2]);
    expect(summary.dropped).toEqual({ error: 1 });
    expect(pipeline.stats().components.fragile?.errors).toEqual({ transform: 1 });
    expect(operators).toBe(2);
    expect(sink.handle.groups).toHaveLength(1);
  });

  it("fails the pipeline on an operator error when onError is fail", async () => {
    const source = memorySource();
    const sink = collectSink();
    const fragile = streamTransform(() => () => {
      throw new Error("no operator today");
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("fragile", fragile, ["src"], { onError: "fail" })],
        sinks: [component("out", sink.definition, ["fragile"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(1);
    await expect(pipeline.done).rejects.toMatchObject({
      code: "TRANSFORM_FAILED",
      component: "transform:per-stream#fragile",
      stage: "transform",
    });
  });
});

describe("fan-out and fan-in", () => {
  it("gives every consumer the same frame object, without copies", async () => {
    const source = memorySource();
    const left = collectSink();
    const right = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("left", left.definition, ["src"]), component("right", right.definition, ["src"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(4);
    const summary = await pipeline.stop();
    expect(summary.written).toEqual({ left: 4, right: 4 });
    left.handle.frames.forEach((frame, index) => {
      expect(frame).toBe(right.handle.frames[index]);
      expect(frame.image.data).toBe(right.handle.frames[index]?.image.data);
    });
    expect(left.handle.groups).toHaveLength(1);
    expect(right.handle.groups).toHaveLength(1);
  });

  it("merges two branches into one sink lane, ending each stream once after both branches", async () => {
    const source = memorySource();
    const sink = collectSink();
    const thumbs = mapTransform(async (frame) => withImage(frame, { ...frame.image, format: "jpeg" }));
    const originals = mapTransform((frame) => frame);
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("thumbs", thumbs, ["src"]), component("originals", originals, ["src"])],
        sinks: [component("both", sink.definition, ["thumbs", "originals"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(3);
    source.handle.emit(participantEvent("leave"));
    source.handle.frames(1);
    await pipeline.stop();
    expect(sink.handle.frames).toHaveLength(8);
    const calls = sink.handle.calls;
    const firstEnd = calls.indexOf("end-stream rec-1#1#webcam");
    expect(calls.slice(0, firstEnd).filter((call) => call.startsWith("write"))).toHaveLength(6);
    expect(calls.slice(firstEnd + 1, firstEnd + 2)).toEqual(["end-group rec-1#1 leave"]);
    expect(calls.filter((call) => call.startsWith("end-group"))).toEqual([
      "end-group rec-1#1 leave",
      "end-group rec-1#1 shutdown",
    ]);
    expect(calls.filter((call) => call === "write rec-1#1#webcam 3")).toHaveLength(2);
    expect(
      sink.handle.frames
        .slice(0, 6)
        .map((frame) => frame.image.format)
        .sort(),
    ).toEqual(["jpeg", "jpeg", "jpeg", "png", "png", "png"]);
  });

  it("merges two sources into one transform (fan-in)", async () => {
    const first = memorySource();
    const second = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("a", first.definition), component("b", second.definition)],
        transforms: [
          component(
            "pass",
            mapTransform((frame) => frame),
            ["a", "b"],
          ),
        ],
        sinks: [component("out", sink.definition, ["pass"])],
      }),
    );
    await pipeline.start();
    first.handle.frames(2, { participantId: 1 });
    second.handle.frames(2, { participantId: 2 });
    first.handle.frames(1, { participantId: 2 });
    const summary = await pipeline.stop();
    expect(summary.written).toEqual({ out: 5 });
    expect(sink.handle.frames.filter((frame) => frame.participant.id === 2).map((frame) => frame.seq)).toEqual([
      0, 1, 2,
    ]);
    expect(sink.handle.groups.map((group) => group.key).sort()).toEqual(["rec-1#1", "rec-1#2"]);
    expect(pipeline.stats().components.pass).toMatchObject({ received: 5, sent: 5 });
  });
});
