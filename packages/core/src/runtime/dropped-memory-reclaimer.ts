import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** At most one collection per this many milliseconds, however fast frames are dropped. */
const minimumIntervalMs = 100;

let garbageCollector: (() => void) | null | undefined;

/**
 * V8's full garbage collection, or null where it cannot be had. `--expose-gc` set at run time
 * only exposes `gc` to contexts created afterwards, hence the new context (the way Jest's leak
 * detector gets it). Obtained once, on the first drop that needs it.
 */
export function obtainGarbageCollector(): (() => void) | null {
  if (garbageCollector !== undefined) return garbageCollector;
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === "function") {
    garbageCollector = existing as () => void;
    return garbageCollector;
  }
  try {
    setFlagsFromString("--expose-gc");
    const collector: unknown = runInNewContext("gc");
    garbageCollector = typeof collector === "function" ? (collector as () => void) : null;
  } catch {
    garbageCollector = null;
  }
  return garbageCollector;
}

/**
 * Gives back the memory of frames the runtime is done with (written, dropped or evicted) while
 * the in-flight budget is under pressure. Their buffers are garbage, but V8 frees Buffer memory
 * only when it next collects, which it schedules after about 64 MiB of growth in external memory:
 * at hundreds of MB/s that is tens of MiB of RSS above the budget, most of it frames that waited
 * in a queue and need a full collection. This runs one once the bytes released since the last
 * reach `thresholdBytes` (a quarter of the budget, at most 32 MiB) while the frames in flight hold
 * more than half the budget, at most every 100 ms. With a small JavaScript heap a collection costs
 * a few milliseconds; a pipeline well inside its budget never triggers one.
 *
 * Opt-in (`runtime.reclaimDroppedMemory: true`; `framepipe run` sets it unless the config says
 * otherwise): the first collection turns on V8's `--expose-gc` for the whole process, a decision
 * an app that embeds the pipeline makes itself. Constructing one touches nothing process-wide.
 */
export class DroppedMemoryReclaimer {
  readonly #thresholdBytes: number;
  readonly #pressureBytes: number;
  readonly #now: () => number;
  readonly #collect: () => (() => void) | null;
  #pendingBytes = 0;
  #lastCollection = Number.NEGATIVE_INFINITY;
  /** Collections run so far (for stats and tests). */
  collections = 0;

  constructor(options: {
    readonly budgetBytes: number;
    readonly now: () => number;
    /** Where the collector comes from; default {@link obtainGarbageCollector}. */
    readonly collector?: () => (() => void) | null;
  }) {
    this.#thresholdBytes = Math.min(32 * 2 ** 20, Math.max(1, Math.floor(options.budgetBytes / 4)));
    this.#pressureBytes = options.budgetBytes / 2;
    this.#now = options.now;
    this.#collect = options.collector ?? obtainGarbageCollector;
  }

  /**
   * Records `bytes` of frames just released (or refused on arrival), with the bytes still in
   * flight, and collects when enough have added up under pressure.
   */
  released(bytes: number, inFlightBytes: number): void {
    this.#pendingBytes += bytes;
    if (this.#pendingBytes < this.#thresholdBytes || inFlightBytes < this.#pressureBytes) return;
    const now = this.#now();
    if (now - this.#lastCollection < minimumIntervalMs) return;
    const collect = this.#collect();
    if (collect === null) return;
    this.#pendingBytes = 0;
    this.#lastCollection = now;
    this.collections += 1;
    collect();
  }
}
