import { describe, expect, it } from "vitest";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "./support/config.js";
import { type Deferred, deferred, until } from "./support/deferred.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";

const slow = 1;
const fast = 2;

/** A sink whose writes for the slow participant wait until the test releases them, one by one. */
function gatedSink() {
  const gates: Deferred<void>[] = [];
  const started: VideoFrame[] = [];
  const sink = collectSink({
    write(frame) {
      started.push(frame);
      if (frame.participant.id !== slow) return;
      const gate = deferred();
      gates.push(gate);
      return gate.promise;
    },
  });
  return { sink, gates, started };
}

async function fairPipeline(concurrency: number) {
  const source = memorySource();
  const { sink, gates, started } = gatedSink();
  const pipeline = await createPipeline(
    pipelineConfig({
      sources: [component("src", source.definition)],
      transforms: [
        component(
          "pass",
          mapTransform((frame) => frame),
          ["src"],
        ),
      ],
      sinks: [component("out", sink.definition, ["pass"])],
      runtime: { concurrency, queue: 100 },
    }),
  );
  await pipeline.start();
  return { source, sink, gates, started, pipeline };
}

describe("fairness across participants", () => {
  it("writes a fast participant's frames while a slow participant's sink path is stuck with a backlog", async () => {
    const { source, sink, gates, pipeline } = await fairPipeline(2);
    source.handle.frames(40, { participantId: slow });
    await until(() => gates.length === 1);
    source.handle.frames(5, { participantId: fast });

    // Every fast frame is written while the slow stream's first write is still pending.
    await until(() => sink.handle.frames.filter((frame) => frame.participant.id === fast).length === 5);
    expect(gates).toHaveLength(1);
    expect(sink.handle.frames.every((frame) => frame.participant.id === fast)).toBe(true);
    expect(pipeline.stats().queueDepth).toBe(40);

    const stopped = pipeline.stop();
    for (let released = 0; released < 40; released += 1) {
      await until(() => gates.length > released);
      gates[released]!.resolve();
    }
    expect((await stopped).written).toEqual({ out: 45 });
  });

  it("gives a newly arrived participant a turn after each step of a long backlog (round-robin)", async () => {
    const { source, gates, started, pipeline } = await fairPipeline(1);
    source.handle.frames(20, { participantId: slow });
    await until(() => gates.length === 1);
    source.handle.frames(4, { participantId: fast });

    const stopped = pipeline.stop();
    for (let released = 0; released < 20; released += 1) {
      await until(() => gates.length > released);
      gates[released]!.resolve();
    }
    await stopped;
    const order = started.map((frame) => frame.participant.id);
    const fastPositions = order.flatMap((id, position) => (id === fast ? [position] : []));
    expect(fastPositions).toHaveLength(4);
    // With one slot the fast participant interleaves with the backlog instead of waiting behind it:
    // its k-th frame is written within the first few steps, not after the 20 slow ones.
    fastPositions.forEach((position, index) => {
      expect(position).toBeLessThanOrEqual(2 * index + 3);
    });
  });
});
