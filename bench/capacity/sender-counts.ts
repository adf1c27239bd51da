import type { SenderCount } from "./sender-worker.js";

/** Sums sender counts: the bots of one worker, or the workers of the pool. */
export function addCounts(counts: readonly SenderCount[]): SenderCount {
  const sum = (field: keyof SenderCount) => counts.reduce((total, count) => total + count[field], 0);
  return {
    framesSent: sum("framesSent"),
    bytesSent: sum("bytesSent"),
    backpressureWaits: sum("backpressureWaits"),
    skippedFrames: sum("skippedFrames"),
    lostMessages: sum("lostMessages"),
  };
}
