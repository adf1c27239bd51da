import { describe, expect, it } from "vitest";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "./support/config.js";
import { type Deferred, deferred, settle, until } from "./support/deferred.js";
import { participantEvent } from "./support/events.js";
import { ManualClock } from "./support/manual-clock.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";

describe("group lifecycle", () => {
  it("ends a group after idleTimeout without a frame, the timer restarting with each frame", async () => {
    const clock = new ManualClock();
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
        runtime: { idleTimeout: 1000 },
      }),
      { clock },
    );
    await pipeline.start();
    source.handle.frames(1, { participantId: 1 });
    source.handle.frames(1, { participantId: 2, type: "screenshare" });
    clock.advance(600);
    source.handle.frames(1, { participantId: 1 });
    clock.advance(600); // participant 2: 1200 ms idle; participant 1: 600 ms
    await until(() => sink.handle.groups.length === 1);
    expect(sink.handle.groups[0]).toEqual({ key: "rec-1#2", recordingId: "rec-1", participantId: 2, reason: "idle" });
    expect(pipeline.stats().activeGroups).toBe(1);

    clock.advance(399);
    await settle();
    expect(sink.handle.groups).toHaveLength(1);
    clock.advance(1);
    await until(() => sink.handle.groups.length === 2);
    expect(sink.handle.groups[1]?.reason).toBe("idle");
    expect(pipeline.stats().activeGroups).toBe(0);
    const callsOf = (participant: string) => sink.handle.calls.filter((call) => call.includes(`rec-1#${participant}`));
    expect(callsOf("1")).toEqual([
      "write rec-1#1#webcam 0",
      "write rec-1#1#webcam 1",
      "end-stream rec-1#1#webcam",
      "end-group rec-1#1 idle",
    ]);
    expect(callsOf("2")).toEqual([
      "write rec-1#2#screenshare 0",
      "end-stream rec-1#2#screenshare",
      "end-group rec-1#2 idle",
    ]);
    await pipeline.stop();
    expect(clock.pending).toBe(0);
  });

  it("on leave calls endStream for each stream after its frames, then endGroup once", async () => {
    const source = memorySource();
    const gates: Deferred<void>[] = [];
    const sink = collectSink({
      write() {
        const gate = deferred();
        gates.push(gate);
        return gate.promise;
      },
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [
          component(
            "pass",
            mapTransform(async (frame) => frame),
            ["src"],
          ),
        ],
        sinks: [component("out", sink.definition, ["pass"])],
        runtime: { concurrency: 1 },
      }),
    );
    await pipeline.start();
    source.handle.frames(3, { type: "webcam" });
    source.handle.frames(2, { type: "screenshare" });
    source.handle.emit(participantEvent("leave"));
    for (let released = 0; released < 5; released += 1) {
      await until(() => gates.length > released);
      expect(sink.handle.groups).toHaveLength(0);
      gates[released]!.resolve();
    }
    await until(() => sink.handle.groups.length === 1);
    const calls = sink.handle.calls;
    const lastWrite = (type: string) => calls.findLastIndex((call) => call.startsWith(`write rec-1#1#${type}`));
    expect(calls.indexOf("end-stream rec-1#1#webcam")).toBeGreaterThan(lastWrite("webcam"));
    expect(calls.indexOf("end-stream rec-1#1#screenshare")).toBeGreaterThan(lastWrite("screenshare"));
    expect(calls.at(-1)).toBe("end-group rec-1#1 leave");
    expect(calls.filter((call) => call.startsWith("end-"))).toHaveLength(3);
    expect(sink.handle.streams.map((stream) => stream.type).sort()).toEqual(["screenshare", "webcam"]);
    expect(pipeline.stats().activeGroups).toBe(0);
    await pipeline.stop();
  });

  it("starts a new group for a frame after leave, its seq continuing", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(2);
    source.handle.emit(participantEvent("leave"));
    source.handle.frames(2);
    const summary = await pipeline.stop();
    expect(summary.written).toEqual({ out: 4 });
    expect(sink.handle.calls).toEqual([
      "write rec-1#1#webcam 0",
      "write rec-1#1#webcam 1",
      "end-stream rec-1#1#webcam",
      "end-group rec-1#1 leave",
      "write rec-1#1#webcam 2",
      "write rec-1#1#webcam 3",
      "end-stream rec-1#1#webcam",
      "end-group rec-1#1 shutdown",
      "flush",
      "close",
    ]);
  });

  it("continues the same group and seq when a participant's frames come through another connection", async () => {
    const first = memorySource();
    const second = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("socket-a", first.definition), component("socket-b", second.definition)],
        sinks: [component("out", sink.definition, ["socket-a", "socket-b"])],
      }),
    );
    await pipeline.start();
    first.handle.frames(3, { name: "Ada" });
    first.handle.complete(); // the first connection dropped
    second.handle.frames(2, { name: "Ada" });
    await until(() => sink.handle.frames.length === 5);
    expect(sink.handle.frames.map((frame) => frame.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(sink.handle.groups).toHaveLength(0);
    expect(pipeline.stats().activeGroups).toBe(1);
    await pipeline.stop();
    expect(sink.handle.groups).toEqual([
      { key: "rec-1#1", recordingId: "rec-1", participantId: 1, reason: "shutdown" },
    ]);
    expect(sink.handle.streams).toHaveLength(1);
  });

  it("keeps the seq a relayed frame arrives with, and numbers unnumbered frames after it", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    await pipeline.start();
    // A worker takes a stream over at 40, gets 41 redelivered after 42, then a frame of its own.
    for (const seq of [40, 41, 42, 41, -1, 1.5]) source.handle.frames(1, { seq });
    source.handle.frames(1, { type: "screenshare", seq: 7 });
    source.handle.frames(1);
    await until(() => sink.handle.frames.length === 8);
    await pipeline.stop();
    const seqs = (type: string) => sink.handle.frames.filter((frame) => frame.type === type).map((frame) => frame.seq);
    // -1 and 1.5 are not stream positions: they are numbered after the highest kept one.
    expect(seqs("webcam")).toEqual([40, 41, 42, 41, 43, 44, 45]);
    expect(seqs("screenshare")).toEqual([7]);
  });

  it("fills a missing participant name with the last one known", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    const names: (string | null)[] = [];
    pipeline.frames$.subscribe((frame) => names.push(frame.participant.name));
    await pipeline.start();
    source.handle.frames(1, { name: null });
    source.handle.emit(participantEvent("update", { name: "Grace" }));
    source.handle.frames(1, { name: "" });
    source.handle.frames(1, { name: "Grace H." });
    source.handle.frames(1, { name: null });
    source.handle.frames(1, { participantId: 2, name: null });
    await pipeline.stop();
    const written = sink.handle.frames.toSorted((a, b) => a.participant.id - b.participant.id || a.seq - b.seq);
    expect(written.map((frame) => frame.participant.name)).toEqual([null, "Grace", "Grace H.", "Grace H.", null]);
    expect(names).toEqual([null, "Grace", "Grace H.", "Grace H.", null]);
    expect(Object.isFrozen(sink.handle.frames[1]?.participant)).toBe(true);
  });
});
