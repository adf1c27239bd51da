import { defineSink, type GroupInfo, type PluginDefinition, type StreamInfo, type VideoFrame } from "@framepipe/core";
import { z } from "zod";

type Awaitable<T> = T | Promise<T>;

/** One call the runtime made on a collect sink instance, in the order it happened. */
export type CollectSinkCall =
  | { readonly method: "create"; readonly componentId: string }
  | { readonly method: "write"; readonly componentId: string; readonly frame: VideoFrame }
  | { readonly method: "endStream"; readonly componentId: string; readonly stream: StreamInfo }
  | { readonly method: "endGroup"; readonly componentId: string; readonly group: GroupInfo }
  | { readonly method: "flush"; readonly componentId: string }
  | { readonly method: "close"; readonly componentId: string };

/** Options of {@link createCollectSink}. */
export interface CollectSinkOptions {
  /**
   * Runs before a write is recorded. Return a promise to hold the write (backpressure tests), or
   * throw to make it fail (retry and dead-letter tests); a failed write records nothing.
   */
  readonly beforeWrite?: (frame: VideoFrame) => Awaitable<void>;
}

const collectOptions = z.strictObject({});

/** What {@link createCollectSink} returns: a sink definition and everything its instances saw. */
export interface CollectSink {
  /** A `collect` sink definition; every instance it creates records into this object. */
  readonly definition: PluginDefinition<"sink", typeof collectOptions, Record<never, never>>;
  /** Frames written, in the order `write` was called (and `beforeWrite` finished). */
  readonly frames: VideoFrame[];
  readonly endedStreams: StreamInfo[];
  readonly endedGroups: GroupInfo[];
  /** Every call, in order. */
  readonly calls: CollectSinkCall[];
  /** How many times `flush` was called. */
  readonly flushed: number;
  /** How many times `close` was called. */
  readonly closed: number;
  /** Resolves once `count` frames were written; rejects if the sink is closed before that. */
  waitFor(count: number, options?: { readonly signal?: AbortSignal }): Promise<void>;
  /**
   * Resolves once `predicate` holds, re-checked after every recorded call (no polling). Rejects
   * if a `close` is recorded while it still does not hold, or when `signal` aborts.
   */
  waitUntil(
    predicate: () => boolean,
    options?: { readonly signal?: AbortSignal; readonly description?: string },
  ): Promise<void>;
}

interface Waiter {
  readonly predicate: () => boolean;
  readonly description: string;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * A sink that keeps everything in memory, for runtime and plugin tests. Waiting is event-driven:
 * `waitFor` settles on the write that reaches the count, so tests need no sleeps.
 */
export function createCollectSink(options: CollectSinkOptions = {}): CollectSink {
  const frames: VideoFrame[] = [];
  const endedStreams: StreamInfo[] = [];
  const endedGroups: GroupInfo[] = [];
  const calls: CollectSinkCall[] = [];
  let flushed = 0;
  let closed = 0;
  let waiters: Waiter[] = [];

  const closedError = (description: string): Error =>
    new Error(`[framepipe] collect sink closed before ${description} (${frames.length} frames written)`);
  const settle = (): void => {
    const pending: Waiter[] = [];
    for (const waiter of waiters) {
      if (waiter.predicate()) waiter.resolve();
      else if (closed > 0) waiter.reject(closedError(waiter.description));
      else pending.push(waiter);
    }
    waiters = pending;
  };
  const record = (call: CollectSinkCall): void => {
    calls.push(call);
    settle();
  };

  const waitUntil: CollectSink["waitUntil"] = (predicate, waitOptions = {}) => {
    const description = waitOptions.description ?? "the awaited condition held";
    if (predicate()) return Promise.resolve();
    if (closed > 0) return Promise.reject(closedError(description));
    return new Promise<void>((resolve, reject) => {
      const signal = waitOptions.signal;
      const onAbort = (): void => {
        waiters = waiters.filter((waiter) => waiter !== entry);
        reject(signal?.reason instanceof Error ? signal.reason : new Error("[framepipe] collect sink wait aborted"));
      };
      const entry: Waiter = {
        predicate,
        description,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      waiters.push(entry);
    });
  };

  const definition = defineSink({
    type: "collect",
    summary: "Keeps every frame and lifecycle call in memory (tests only).",
    options: collectOptions,
    create(_options, context) {
      const componentId = context.componentId;
      record({ method: "create", componentId });
      return {
        write(frame) {
          const accept = (): void => {
            frames.push(frame);
            record({ method: "write", componentId, frame });
          };
          // Without a hook the write completes synchronously, like the cheapest real sink.
          if (!options.beforeWrite) return accept();
          return Promise.resolve(options.beforeWrite(frame)).then(accept);
        },
        endStream(stream) {
          endedStreams.push(stream);
          record({ method: "endStream", componentId, stream });
        },
        endGroup(group) {
          endedGroups.push(group);
          record({ method: "endGroup", componentId, group });
        },
        flush() {
          flushed += 1;
          record({ method: "flush", componentId });
        },
        close() {
          closed += 1;
          record({ method: "close", componentId });
        },
      };
    },
  });

  return {
    definition,
    frames,
    endedStreams,
    endedGroups,
    calls,
    get flushed() {
      return flushed;
    },
    get closed() {
      return closed;
    },
    waitFor: (count, waitOptions = {}) =>
      waitUntil(() => frames.length >= count, {
        ...waitOptions,
        description: `${count} frames were written`,
      }),
    waitUntil,
  };
}
