/**
 * Bucket bounds (seconds) of `framepipe_frame_latency_seconds`; the baseline records into the same
 * bounds so both quantiles come from the same method.
 */
export const latencyBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A latency histogram: cumulative counts per upper bound (as Prometheus exposes it). */
export interface LatencyHistogram {
  /** Upper bounds in seconds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Observations ≤ each bound. */
  readonly cumulative: readonly number[];
  /** Every observation, the +Inf bucket included. */
  readonly count: number;
  /** Sum of the observations in seconds. */
  readonly sum: number;
}

/** An empty histogram over {@link latencyBuckets}. */
export function emptyHistogram(): LatencyHistogram {
  return { bounds: latencyBuckets, cumulative: latencyBuckets.map(() => 0), count: 0, sum: 0 };
}

/** What was observed between two readings of the same cumulative histogram. */
export function histogramDelta(before: LatencyHistogram, after: LatencyHistogram): LatencyHistogram {
  return {
    bounds: after.bounds,
    cumulative: after.cumulative.map((value, index) => value - (before.cumulative[index] ?? 0)),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/**
 * The `quantile` (0..1) of a histogram, interpolated linearly inside the bucket that holds it, as
 * Prometheus' `histogram_quantile` does. A quantile beyond the last bound answers that bound (the
 * true value is larger: callers compare it with thresholds below the last bound). Null when empty.
 */
export function histogramQuantile(histogram: LatencyHistogram, quantile: number): number | null {
  if (histogram.count <= 0) return null;
  const rank = quantile * histogram.count;
  let lower = 0;
  let below = 0;
  for (let index = 0; index < histogram.bounds.length; index += 1) {
    const upper = histogram.bounds[index]!;
    const atOrBelow = histogram.cumulative[index]!;
    if (atOrBelow >= rank) {
      const inBucket = atOrBelow - below;
      return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
    }
    lower = upper;
    below = atOrBelow;
  }
  return histogram.bounds[histogram.bounds.length - 1] ?? null;
}

/** Share of observations above `seconds` (exact when `seconds` is a bucket bound). */
export function shareAbove(histogram: LatencyHistogram, seconds: number): number {
  if (histogram.count <= 0) return 0;
  const index = histogram.bounds.indexOf(seconds);
  if (index === -1) throw new Error(`${seconds} s is not a bucket bound`);
  return (histogram.count - histogram.cumulative[index]!) / histogram.count;
}
