import { describe, expect, it } from "vitest";
import { z } from "zod";
import { markTransient } from "../../src/errors/framepipe-error.js";
import { type VideoFrame, withImage } from "../../src/model/video-frame.js";
import { defineSink } from "../../src/plugin/define-plugin.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "./support/config.js";
import { InstantClock } from "./support/manual-clock.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";

/** Deterministic pseudo-random numbers (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Waits a random number of event-loop turns: real reordering pressure without timers. */
async function randomDelay(random: () => number): Promise<void> {
  const turns = Math.floor(random() * 6);
  for (let turn = 0; turn < turns; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe("per-stream order", () => {
  it("keeps every stream's seq order through an async transform and an async sink", async () => {
    const random = seededRandom(42);
    const source = memorySource();
    const sink = collectSink({ write: () => randomDelay(random) });
    const transform = mapTransform(async (frame) => {
      await randomDelay(random);
      return withImage(frame, { ...frame.image, format: "jpeg" });
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("slowly", transform, ["src"])],
        sinks: [component("out", sink.definition, ["slowly"])],
        runtime: { concurrency: 4 },
      }),
    );
    await pipeline.start();
    const participants = 6;
    const framesPerStream = 25;
    for (let index = 0; index < framesPerStream; index += 1) {
      for (let participantId = 1; participantId <= participants; participantId += 1) {
        source.handle.frames(1, { participantId, type: "webcam" });
        source.handle.frames(1, { participantId, type: "screenshare" });
      }
    }
    const summary = await pipeline.stop();

    expect(summary.written).toEqual({ out: participants * 2 * framesPerStream });
    const byStream = new Map<string, number[]>();
    for (const frame of sink.handle.frames) {
      const key = `${frame.participant.id}#${frame.type}`;
      byStream.set(key, [...(byStream.get(key) ?? []), frame.seq]);
      expect(frame.image.format).toBe("jpeg");
    }
    expect(byStream.size).toBe(participants * 2);
    const expected = Array.from({ length: framesPerStream }, (_, seq) => seq);
    for (const seqs of byStream.values()) expect(seqs).toEqual(expected);
    // Streams interleave at the sink: work on different streams really ran side by side.
    const firstKeys = sink.handle.frames.slice(0, 12).map((frame) => `${frame.participant.id}#${frame.type}`);
    expect(new Set(firstKeys).size).toBeGreaterThan(1);
  });

  it("keeps order when plugins answer synchronously, asynchronously, or throw transient errors synchronously", async () => {
    const random = seededRandom(7);
    const failed = new Set<string>();
    /** Answers now or after a few turns; the first attempt at some frames throws a transient error. */
    const answer = <T>(stage: string, frame: VideoFrame, value: () => T): T | Promise<T> => {
      const key = `${stage} ${frame.participant.id} ${frame.seq}`;
      if (!failed.has(key) && random() < 0.1) {
        failed.add(key);
        throw markTransient(new Error(`${key} hiccup`));
      }
      if (random() < 0.5) return value();
      return randomDelay(random).then(value);
    };
    const transform = mapTransform((frame) => answer("transform", frame, () => frame));
    const written: VideoFrame[] = [];
    const sink = defineSink({
      type: "mixed",
      summary: "answers synchronously or not",
      options: z.strictObject({}),
      create: () => ({ write: (frame: VideoFrame) => answer("write", frame, () => void written.push(frame)) }),
    });
    const clock = new InstantClock();
    const source = memorySource();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("mixed", transform, ["src"])],
        sinks: [component("out", sink, ["mixed"])],
        runtime: { concurrency: 3 },
      }),
      { clock },
    );
    await pipeline.start();
    const participants = 5;
    const framesPerStream = 40;
    for (let index = 0; index < framesPerStream; index += 1) {
      for (let participantId = 1; participantId <= participants; participantId += 1) {
        source.handle.frames(1, { participantId });
      }
    }
    const summary = await pipeline.stop();

    expect(summary.errors).toBe(0);
    expect(summary.written).toEqual({ out: participants * framesPerStream });
    expect(failed.size).toBeGreaterThan(0);
    expect(clock.delays).toHaveLength(failed.size);
    const expected = Array.from({ length: framesPerStream }, (_, seq) => seq);
    for (let participantId = 1; participantId <= participants; participantId += 1) {
      const seqs = written.filter((frame) => frame.participant.id === participantId).map((frame) => frame.seq);
      expect(seqs).toEqual(expected);
    }
  });

  it("numbers each stream from 0 independently", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(2, { participantId: 1 });
    source.handle.frames(3, { participantId: 2 });
    source.handle.frames(1, { participantId: 1, type: "screenshare" });
    source.handle.frames(1, { participantId: 1, recordingId: "rec-2" });
    await pipeline.stop();
    const seqs = sink.handle.frames.map(
      (frame) => `${frame.recording.id}#${frame.participant.id}#${frame.type}:${frame.seq}`,
    );
    expect(seqs.sort()).toEqual(
      [
        "rec-1#1#webcam:0",
        "rec-1#1#webcam:1",
        "rec-1#2#webcam:0",
        "rec-1#2#webcam:1",
        "rec-1#2#webcam:2",
        "rec-1#1#screenshare:0",
        "rec-2#1#webcam:0",
      ].sort(),
    );
  });
});
