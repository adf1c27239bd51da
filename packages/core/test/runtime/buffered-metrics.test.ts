import { type Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BufferedCounter, BufferedHistogram } from "../../src/runtime/buffered-metrics.js";

const buckets = [0.01, 0.1, 1, 10];
const observations: Array<[string, number]> = [
  ["out", 0.005],
  ["out", 0.01],
  ["out", 0.5],
  ["disk", 3],
  ["out", 42],
  ["disk", 0],
];

describe("BufferedHistogram", () => {
  it("reports exactly what a prom-client Histogram reports for the same observations", async () => {
    const plainRegistry = new Registry();
    const plain = new Histogram({
      name: "latency_seconds",
      help: "Latency.",
      labelNames: ["component"],
      buckets,
      registers: [plainRegistry],
    });
    const bufferedRegistry = new Registry();
    const buffered = new BufferedHistogram(bufferedRegistry, "latency_seconds", "Latency.", "component", buckets);
    for (const [component, value] of observations) {
      plain.observe({ component }, value);
      buffered.observe(component, value);
    }

    expect(await bufferedRegistry.metrics()).toBe(await plainRegistry.metrics());
    expect(await bufferedRegistry.getMetricsAsJSON()).toEqual(await plainRegistry.getMetricsAsJSON());
    expect(await buffered.get()).toEqual(await plain.get());

    bufferedRegistry.resetMetrics();
    plainRegistry.resetMetrics();
    expect(await bufferedRegistry.metrics()).toBe(await plainRegistry.metrics());
  });

  it("rejects a value that is not a finite number, as prom-client does", () => {
    const histogram = new BufferedHistogram(new Registry(), "latency_seconds", "Latency.", "component", buckets);
    expect(() => histogram.observe("out", Number.NaN)).toThrow(TypeError);
  });
});

describe("BufferedCounter", () => {
  it("reports the counts of one and two labels when the registry is read", async () => {
    const registry = new Registry();
    const received = new BufferedCounter(registry, "received_total", "Received.", "component");
    const dropped = new BufferedCounter(registry, "dropped_total", "Dropped.", "component", "reason");
    received.inc("src");
    received.inc("src");
    received.inc("out");
    dropped.incPair("src", "queue-full");
    dropped.incPair("src", "queue-full");
    dropped.incPair("out", "error");

    const value = async (name: string, labels: Record<string, string>) => {
      const metric = registry.getSingleMetric(name) as Counter<string>;
      const { values } = await metric.get();
      return values.find((entry) => Object.entries(labels).every(([key, label]) => entry.labels[key] === label))?.value;
    };
    expect(await value("received_total", { component: "src" })).toBe(2);
    expect(await value("received_total", { component: "out" })).toBe(1);
    expect(await value("dropped_total", { component: "src", reason: "queue-full" })).toBe(2);
    expect(await value("dropped_total", { component: "out", reason: "error" })).toBe(1);

    // Counting goes on after a read: the next read adds only what came since.
    received.inc("src");
    expect(await value("received_total", { component: "src" })).toBe(3);
  });
});
