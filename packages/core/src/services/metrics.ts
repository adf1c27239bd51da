/** A counter handle scoped to one component. */
export interface CounterHandle {
  inc(labels?: Record<string, string>, value?: number): void;
}

/** A gauge handle scoped to one component. */
export interface GaugeHandle {
  set(value: number, labels?: Record<string, string>): void;
  inc(labels?: Record<string, string>, value?: number): void;
  dec(labels?: Record<string, string>, value?: number): void;
}

/** A histogram handle scoped to one component. */
export interface HistogramHandle {
  observe(value: number, labels?: Record<string, string>): void;
}

/**
 * How plugins declare their own metrics. Names get the `framepipe_` prefix and every series the
 * `component` label; extra label names must have a bounded set of values (never a participant id).
 */
export interface ComponentMetrics {
  counter(name: string, help: string, labelNames?: readonly string[]): CounterHandle;
  gauge(name: string, help: string, labelNames?: readonly string[]): GaugeHandle;
  histogram(name: string, help: string, labelNames?: readonly string[], buckets?: readonly number[]): HistogramHandle;
}

/** Metrics that record nothing, for tests and plugins run outside a pipeline. */
export function createNoopMetrics(): ComponentMetrics {
  const counter: CounterHandle = { inc: () => {} };
  const gauge: GaugeHandle = { set: () => {}, inc: () => {}, dec: () => {} };
  const histogram: HistogramHandle = { observe: () => {} };
  return { counter: () => counter, gauge: () => gauge, histogram: () => histogram };
}
