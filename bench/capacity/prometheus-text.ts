import type { LatencyHistogram } from "./latency-histogram.js";

/** One sample of the Prometheus text format. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const samplePattern = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the Prometheus text exposition format (comments skipped). */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = samplePattern.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(labelPattern)) labels[label[1]!] = label[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `labels`. */
export function sumOf(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** The histogram `name` for `component`, cumulative as exposed. */
export function histogramOf(samples: readonly MetricSample[], name: string, component: string): LatencyHistogram {
  const buckets = samples
    .filter(
      (sample) =>
        sample.name === `${name}_bucket` && sample.labels.component === component && sample.labels.le !== "+Inf",
    )
    .map((sample) => ({ bound: Number(sample.labels.le), count: sample.value }))
    .sort((left, right) => left.bound - right.bound);
  return {
    bounds: buckets.map((bucket) => bucket.bound),
    cumulative: buckets.map((bucket) => bucket.count),
    count: sumOf(samples, `${name}_count`, { component }),
    sum: sumOf(samples, `${name}_sum`, { component }),
  };
}
