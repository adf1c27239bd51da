import { Counter, type Histogram, type Registry } from "prom-client";

/**
 * Metrics that cost a plain increment on the hot path. prom-client builds a label hash string per
 * call (about half a microsecond for a histogram observation), which at one call per frame per
 * component was a large part of the runtime's per-frame overhead. These keep numbers per label
 * value and hand them over when the registry is read.
 */

interface CounterEntry {
  readonly labels: Record<string, string>;
  count: number;
}

/**
 * A counter counted in plain numbers and added to a prom-client {@link Counter} when the registry
 * is read (prom-client calls `collect` then). Labelled by `component` and, with `secondLabel`, by
 * one more (`reason`, `stage`).
 */
export class BufferedCounter {
  readonly #labelName: string;
  readonly #secondLabel: string | undefined;
  /** Label value → pending count: single-label counters, the per-frame ones, need one lookup. */
  readonly #single = new Map<string, CounterEntry>();
  /** First label value → second label value → pending count. */
  readonly #pairs = new Map<string, Map<string, CounterEntry>>();
  readonly #counter: Counter<string>;

  constructor(registry: Registry, name: string, help: string, labelName: string, secondLabel?: string) {
    this.#labelName = labelName;
    this.#secondLabel = secondLabel;
    const labelNames = secondLabel === undefined ? [labelName] : [labelName, secondLabel];
    const flush = () => this.#flush();
    this.#counter = new Counter({ name, help, labelNames, registers: [registry], collect: flush });
  }

  /** Counts one for `value` (single-label counters). */
  inc(value: string): void {
    let entry = this.#single.get(value);
    if (!entry) {
      entry = { labels: { [this.#labelName]: value }, count: 0 };
      this.#single.set(value, entry);
    }
    entry.count += 1;
  }

  /** Counts one for the pair `value`, `second` (counters with a second label). */
  incPair(value: string, second: string): void {
    let byValue = this.#pairs.get(value);
    if (!byValue) {
      byValue = new Map();
      this.#pairs.set(value, byValue);
    }
    let entry = byValue.get(second);
    if (!entry) {
      if (this.#secondLabel === undefined) throw new TypeError("incPair() on a counter with one label");
      entry = { labels: { [this.#labelName]: value, [this.#secondLabel]: second }, count: 0 };
      byValue.set(second, entry);
    }
    entry.count += 1;
  }

  #flush(): void {
    for (const entry of this.#single.values()) this.#add(entry);
    for (const byValue of this.#pairs.values()) for (const entry of byValue.values()) this.#add(entry);
  }

  #add(entry: CounterEntry): void {
    if (entry.count === 0) return;
    this.#counter.inc(entry.labels, entry.count);
    entry.count = 0;
  }
}

interface HistogramSeries {
  readonly labelValue: string;
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** One line of a histogram as prom-client's `get()` reports it. */
interface HistogramValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
  readonly exemplar: null | undefined;
}

/**
 * A histogram with one label, kept in plain numbers. It is registered in the prom-client
 * {@link Registry} as a metric of its own and reports exactly what a prom-client `Histogram`
 * with the same name, label and buckets reports (`get()`, the text format, `reset()`).
 */
export class BufferedHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly labelNames: readonly string[];
  readonly #labelName: string;
  readonly #buckets: readonly number[];
  #series = new Map<string, HistogramSeries>();

  constructor(registry: Registry, name: string, help: string, labelName: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.#labelName = labelName;
    this.labelNames = [labelName];
    this.#buckets = [...buckets].sort((left, right) => left - right);
    // The registry accepts any object that reports like a metric; prom-client's types name only its own classes.
    registry.registerMetric(this as unknown as Histogram<string>);
  }

  observe(labelValue: string, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${String(value)}`);
    let series = this.#series.get(labelValue);
    if (!series) {
      series = { labelValue, counts: new Array<number>(this.#buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.#series.set(labelValue, series);
    }
    const buckets = this.#buckets;
    let index = 0;
    while (index < buckets.length && value > buckets[index]!) index += 1;
    series.counts[index]! += 1;
    series.sum += value;
    series.count += 1;
  }

  /** The same shape as prom-client's `Histogram.get()`. */
  async get(): Promise<{
    name: string;
    help: string;
    type: "histogram";
    aggregator: "sum";
    values: HistogramValue[];
  }> {
    const values: HistogramValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const series of this.#series.values()) {
      let cumulative = 0;
      this.#buckets.forEach((bound, index) => {
        cumulative += series.counts[index]!;
        values.push(this.#value({ le: bound }, series, cumulative, bucketName, null));
      });
      values.push(this.#value({ le: "+Inf" }, series, series.count, bucketName, null));
      values.push(this.#value({}, series, series.sum, `${this.name}_sum`, undefined));
      values.push(this.#value({}, series, series.count, `${this.name}_count`, undefined));
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series = new Map();
  }

  #value(
    labels: Record<string, string | number>,
    series: HistogramSeries,
    value: number,
    metricName: string,
    exemplar: null | undefined,
  ): HistogramValue {
    return { labels: { ...labels, [this.#labelName]: series.labelValue }, value, metricName, exemplar };
  }
}
