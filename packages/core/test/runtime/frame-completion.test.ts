import { Subject } from "rxjs";
import { filter } from "rxjs/operators";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { IncomingFrame } from "../../src/model/video-frame.js";
import { defineSource, type FrameOutcome, type SourceDefinition } from "../../src/plugin/define-plugin.js";
import type { RecallEvent } from "../../src/recall/recall-event.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "./support/config.js";
import { deferred, until } from "./support/deferred.js";
import { type FrameSpec, frameEvent } from "./support/events.js";
import { collectSink, mapTransform, streamTransform } from "./support/plugins.js";

/** A source that numbers the frames it emits and records each `settled` call by that number. */
function countingSource(): {
  definition: SourceDefinition;
  emit(count: number, spec?: FrameSpec): number[];
  readonly outcomes: Map<number, FrameOutcome[]>;
  complete(): void;
} {
  const subject = new Subject<RecallEvent>();
  const numbers = new Map<IncomingFrame, number>();
  const outcomes = new Map<number, FrameOutcome[]>();
  let next = 0;
  const definition = defineSource({
    type: "counting",
    summary: "test source with a settled hook",
    options: z.strictObject({}),
    create: () => ({
      events$: subject.asObservable(),
      stop: () => subject.complete(),
      settled(frame: IncomingFrame, outcome: FrameOutcome) {
        const number = numbers.get(frame);
        if (number === undefined) throw new Error("settled() got a frame this source never emitted");
        outcomes.set(number, [...(outcomes.get(number) ?? []), outcome]);
      },
    }),
  });
  return {
    definition,
    outcomes,
    emit(count, spec = {}) {
      const emitted: number[] = [];
      for (let index = 0; index < count; index += 1) {
        const event = frameEvent(spec);
        numbers.set(event.frame, next);
        emitted.push(next);
        next += 1;
        subject.next(event);
      }
      return emitted;
    },
    complete: () => subject.complete(),
  };
}

const outcome = (values: Partial<FrameOutcome>): FrameOutcome => ({
  written: 0,
  filtered: 0,
  failed: 0,
  dropped: 0,
  dropReason: null,
  ...values,
});

describe("per-frame completion (the source's settled hook)", () => {
  it("settles a fanned-out frame once, after every sink finished it", async () => {
    const source = countingSource();
    const slowWrite = deferred();
    const fast = collectSink();
    const slow = collectSink({ write: () => slowWrite.promise });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("fast", fast.definition, ["src"]), component("slow", slow.definition, ["src"])],
      }),
    );
    await pipeline.start();
    source.emit(1);
    await until(() => fast.handle.frames.length === 1);
    // One sink is done, the other is not: the frame is not finished.
    expect(source.outcomes.size).toBe(0);
    slowWrite.resolve();
    await until(() => source.outcomes.size === 1);
    expect(source.outcomes.get(0)).toEqual([outcome({ written: 2 })]);
    await pipeline.stop();
  });

  it("counts filtered copies, failed writes and writes across branches of one frame", async () => {
    const source = countingSource();
    const archive = collectSink();
    const flaky = collectSink({
      write: (frame) => {
        if (frame.seq === 1) throw new Error("disk on fire");
      },
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [
          component(
            "evens",
            mapTransform((frame) => (frame.seq % 2 === 0 ? frame : null)),
            ["src"],
          ),
        ],
        sinks: [
          component("archive", archive.definition, ["evens"]),
          component("flaky", flaky.definition, ["src"], { onError: "drop" }),
        ],
      }),
    );
    await pipeline.start();
    source.emit(3);
    await until(() => source.outcomes.size === 3);
    expect(source.outcomes.get(0)).toEqual([outcome({ written: 2 })]);
    expect(source.outcomes.get(1)).toEqual([outcome({ filtered: 1, failed: 1 })]);
    expect(source.outcomes.get(2)).toEqual([outcome({ written: 2 })]);
    await pipeline.stop();
  });

  it("counts a transform's split output as one frame and an operator's dropped duplicates as filtered", async () => {
    const source = countingSource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [
          component(
            "twice",
            mapTransform((frame) => [frame, frame]),
            ["src"],
          ),
          // Lets only the first copy of each seq through, like a dedupe.
          component(
            "first-copy",
            streamTransform(() => {
              const seen = new Set<number>();
              return filter((frame) => !seen.has(frame.seq) && seen.add(frame.seq) !== undefined);
            }),
            ["twice"],
          ),
        ],
        sinks: [component("out", sink.definition, ["first-copy"])],
      }),
    );
    await pipeline.start();
    source.emit(2);
    await until(() => source.outcomes.size === 2);
    expect(source.outcomes.get(0)).toEqual([outcome({ written: 1, filtered: 1 })]);
    expect(source.outcomes.get(1)).toEqual([outcome({ written: 1, filtered: 1 })]);
    await pipeline.stop();
  });

  it("tells the source of frames the overflow policy refused or evicted, with the reason", async () => {
    for (const overflow of ["drop-newest", "drop-oldest"] as const) {
      const source = countingSource();
      const gate = deferred();
      let writes = 0;
      const sink = collectSink({
        write: () => {
          writes += 1;
          return gate.promise;
        },
      });
      const pipeline = await createPipeline(
        pipelineConfig({
          sources: [component("src", source.definition)],
          sinks: [component("out", sink.definition, ["src"])],
          runtime: { overflow, queue: 2 },
        }),
      );
      await pipeline.start();
      source.emit(1);
      // The first frame is being written (it cannot be evicted); the next ones queue behind it.
      await until(() => writes === 1);
      source.emit(4);
      const dropped = [...source.outcomes.entries()].filter(([, [first]]) => first?.dropped === 1);
      expect(dropped).toHaveLength(3);
      for (const [, outcomes] of dropped) expect(outcomes).toEqual([outcome({ dropped: 1, dropReason: "queue-full" })]);
      // drop-newest refuses the newest arrivals; drop-oldest evicts the oldest waiting ones.
      expect(dropped.map(([number]) => number).sort()).toEqual(overflow === "drop-newest" ? [2, 3, 4] : [1, 2, 3]);
      gate.resolve();
      await until(() => source.outcomes.size === 5);
      expect([...source.outcomes.values()].every((outcomes) => outcomes.length === 1)).toBe(true);
      await pipeline.stop();
    }
  });

  it("settles frames left behind by a forced stop as dropped for shutdown, exactly once", async () => {
    const source = countingSource();
    const never = deferred();
    const sink = collectSink({ write: () => never.promise });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
        runtime: { shutdownTimeout: 10 },
      }),
    );
    await pipeline.start();
    source.emit(3);
    const summary = await pipeline.stop();
    expect(summary.unwritten).toBe(3);
    expect([...source.outcomes.values()]).toEqual([
      [outcome({ dropped: 1, dropReason: "shutdown" })],
      [outcome({ dropped: 1, dropReason: "shutdown" })],
      [outcome({ dropped: 1, dropReason: "shutdown" })],
    ]);
    // The stuck write finishing later changes nothing.
    never.resolve();
    await until(() => sink.handle.frames.length === 1);
    expect([...source.outcomes.values()].every((outcomes) => outcomes.length === 1)).toBe(true);
  });
});
