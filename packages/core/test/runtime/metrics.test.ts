import { describe, expect, it } from "vitest";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { PrometheusPipelineMetrics } from "../../src/runtime/prometheus-metrics.js";
import { component, pipelineConfig } from "./support/config.js";
import { type Deferred, deferred, until } from "./support/deferred.js";
import { ManualClock } from "./support/manual-clock.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";

async function value(metrics: PrometheusPipelineMetrics, name: string, labels: Record<string, string> = {}) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((entry) =>
    Object.entries(labels).every(([key, expected]) => String(entry.labels[key]) === expected),
  );
  return match?.value;
}

describe("metrics", () => {
  it("reports per-component counts, drops by reason, errors by stage and latency after a known run", async () => {
    const clock = new ManualClock();
    const metrics = new PrometheusPipelineMetrics();
    const source = memorySource();
    const sink = collectSink({
      write() {
        clock.advance(250);
      },
    });
    const odd = mapTransform((frame) => (frame.seq % 2 === 0 ? frame : null));
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("even", odd, ["src"])],
        sinks: [component("out", sink.definition, ["even"])],
        runtime: { concurrency: 1 },
      }),
      { metrics, clock },
    );
    expect(pipeline.metrics).toBe(metrics);
    await pipeline.start();
    // seq 0, 2, 4 pass the transform; 1, 3, 5 are filtered. The sink then sees 0, 2, 4.
    source.handle.frames(6, { receivedAt: 0 });
    await pipeline.stop();

    expect(await value(metrics, "framepipe_frames_received_total", { component: "src" })).toBe(6);
    expect(await value(metrics, "framepipe_frames_received_total", { component: "even" })).toBe(6);
    expect(await value(metrics, "framepipe_frames_sent_total", { component: "even" })).toBe(3);
    expect(await value(metrics, "framepipe_frames_received_total", { component: "out" })).toBe(3);
    expect(await value(metrics, "framepipe_frames_sent_total", { component: "out" })).toBe(3);
    expect(await value(metrics, "framepipe_frames_dropped_total", { component: "even", reason: "filtered" })).toBe(3);
    expect(await value(metrics, "framepipe_errors_total", { component: "out", stage: "write" })).toBeUndefined();
    const latency = await metrics.registry.getSingleMetric("framepipe_frame_latency_seconds")!.get();
    const named = (name: string) =>
      latency.values.find((entry) => (entry as { metricName?: string }).metricName === name);
    const count = named("framepipe_frame_latency_seconds_count");
    const sum = named("framepipe_frame_latency_seconds_sum");
    expect(count?.value).toBe(3);
    // Each write advances the clock 250 ms, frames were received at 0: 0.25 + 0.5 + 0.75 s.
    expect(sum?.value).toBeCloseTo(1.5);
    expect(await value(metrics, "framepipe_queue_depth")).toBe(0);
    expect(await value(metrics, "framepipe_in_flight_bytes")).toBe(0);
    expect(await value(metrics, "framepipe_active_groups")).toBe(0);
    const text = await metrics.registry.metrics();
    // Pipeline-wide participant gauges exist, but no series is labelled by participant.
    expect(text).not.toMatch(/\{[^}\n]*participant/);
  });

  it("counts write errors by stage and live gauges while running", async () => {
    const metrics = new PrometheusPipelineMetrics();
    const source = memorySource();
    const gates: Deferred<void>[] = [];
    const sink = collectSink({
      write(frame) {
        if (frame.participant.id === 1 && frame.seq === 0) throw new Error("nope");
        const gate = deferred();
        gates.push(gate);
        return gate.promise;
      },
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
      { metrics },
    );
    await pipeline.start();
    source.handle.frames(3, { bytes: 100 });
    source.handle.frames(1, { participantId: 2, bytes: 50 });
    await until(() => gates.length === 2);
    expect(await value(metrics, "framepipe_errors_total", { component: "out", stage: "write" })).toBe(1);
    expect(await value(metrics, "framepipe_frames_dropped_total", { component: "out", reason: "error" })).toBe(1);
    expect(await value(metrics, "framepipe_queue_depth")).toBe(3);
    expect(await value(metrics, "framepipe_in_flight_bytes")).toBe(250);
    expect(await value(metrics, "framepipe_active_groups")).toBe(2);

    const stats = pipeline.stats();
    expect(stats).toMatchObject({
      state: "running",
      received: 4,
      events: { "video-frame": 4 },
      written: 0,
      dropped: { error: 1 },
      errors: 1,
      queueDepth: 3,
      inFlightBytes: 250,
      activeGroups: 2,
    });
    expect(stats.components).toEqual({
      src: { kind: "source", type: "memory", received: 4, sent: 0, dropped: {}, errors: {}, queued: 0, paused: false },
      out: {
        kind: "sink",
        type: "collect",
        received: 4,
        sent: 0,
        dropped: { error: 1 },
        errors: { write: 1 },
        queued: 1,
      },
    });
    const stopped = pipeline.stop();
    for (let released = 0; released < 3; released += 1) {
      await until(() => gates.length > released);
      gates[released]!.resolve();
    }
    await stopped;
    expect(pipeline.stats().written).toBe(3);
  });

  it("reports what is remembered of participants: counts, estimated bytes, forgotten ones by reason", async () => {
    const metrics = new PrometheusPipelineMetrics();
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
      { metrics },
    );
    await pipeline.start();
    for (const participantId of [1, 2, 3]) source.handle.frames(2, { participantId });
    await pipeline.stop();
    expect(await value(metrics, "framepipe_participants_remembered")).toBe(3);
    const bytes = await value(metrics, "framepipe_participants_remembered_bytes");
    expect(bytes).toBeGreaterThan(3 * 480);
    expect(bytes).toBeLessThan(3 * 2000);
    expect(await value(metrics, "framepipe_participants_forgotten_total", { reason: "count" })).toBe(0);
    expect(await value(metrics, "framepipe_participants_forgotten_total", { reason: "bytes" })).toBe(0);
  });

  it("gives plugins metric factories prefixed framepipe_ and labelled with their component", async () => {
    const metrics = new PrometheusPipelineMetrics();
    const one = metrics.forComponent("one");
    const two = metrics.forComponent("two");
    one.counter("connections_total", "Connections.", ["protocol"]).inc({ protocol: "ws" });
    two.counter("connections_total", "Connections.", ["protocol"]).inc({ protocol: "ws" }, 2);
    one.gauge("framepipe_open_connections", "Open.").set(4);
    one.histogram("bytes", "Bytes.", [], [10, 100]).observe(50);
    expect(await value(metrics, "framepipe_connections_total", { component: "two", protocol: "ws" })).toBe(2);
    expect(await value(metrics, "framepipe_connections_total", { component: "one" })).toBe(1);
    expect(await value(metrics, "framepipe_open_connections", { component: "one" })).toBe(4);
    expect(metrics.registry.getSingleMetric("framepipe_bytes")).toBeDefined();
    expect(() => two.gauge("connections_total", "Not a gauge.")).toThrow(/already registered/);
    expect(() => one.counter("bad name", "Bad.")).toThrow(/cannot register metric/);
  });
});
