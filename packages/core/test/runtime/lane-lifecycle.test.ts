import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/runtime/clock.js";
import { ComponentHealth } from "../../src/runtime/component-health.js";
import { createComponents } from "../../src/runtime/create-components.js";
import { PipelineEngine } from "../../src/runtime/pipeline-engine.js";
import { createNoopPipelineMetrics } from "../../src/runtime/pipeline-metrics.js";
import { RuntimeCounters } from "../../src/runtime/runtime-counters.js";
import { createSilentLogger } from "../../src/services/logger.js";
import { component, pipelineConfig } from "./support/config.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";

async function engineWithTwoTransforms() {
  const source = memorySource();
  const sink = collectSink();
  const config = pipelineConfig({
    sources: [component("src", source.definition)],
    transforms: [
      component(
        "sync",
        mapTransform((frame) => frame),
        ["src"],
      ),
      component(
        "async",
        mapTransform(async (frame) => frame),
        ["sync"],
      ),
    ],
    sinks: [component("out", sink.definition, ["async"])],
  });
  const logger = createSilentLogger();
  const metrics = createNoopPipelineMetrics();
  const signal = new AbortController().signal;
  const health = new ComponentHealth(systemClock);
  const components = await createComponents(config, {
    health,
    concurrency: config.runtime.concurrency,
    logger,
    metrics,
    signal,
    services: {},
  });
  const engine = new PipelineEngine({
    config,
    components,
    logger,
    clock: systemClock,
    counters: new RuntimeCounters(metrics),
    metrics,
    signal,
    onFailure: () => {},
    onSourcesComplete: () => {},
    health,
  });
  engine.attach("src");
  const lanes = () => Object.fromEntries(engine.nodes.map((node) => [node.id, "lanes" in node ? node.lanes.size : 0]));
  return { source, sink, engine, lanes };
}

describe("lanes", () => {
  it("live while their stream is open, however idle, and are gone once its end passed", async () => {
    const { source, sink, engine, lanes } = await engineWithTwoTransforms();
    source.handle.frames(3, { participantId: 1 });
    source.handle.frames(2, { participantId: 2, type: "screenshare" });
    await engine.whenIdle();
    expect(sink.handle.frames).toHaveLength(5);
    // Idle between frames: every node keeps its lane per stream instead of making one per frame.
    expect(lanes()).toEqual({ src: 0, sync: 2, async: 2, out: 2 });

    engine.endAllGroups("shutdown");
    await engine.whenIdle();
    expect(sink.handle.calls.filter((call) => call.startsWith("end-group"))).toHaveLength(2);
    expect(lanes()).toEqual({ src: 0, sync: 0, async: 0, out: 0 });
    expect(engine.flow.depth).toBe(0);
    expect(engine.groups.size).toBe(0);
  });
});
