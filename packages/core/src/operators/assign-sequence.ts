import { defer, map, type OperatorFunction } from "rxjs";
import { FramepipeError } from "../errors/framepipe-error.js";
import { carriedSeq } from "../model/carried-seq.js";
import { type StreamKey, streamKeyOfFrame } from "../model/stream-key.js";
import { type IncomingFrame, type VideoFrame, withSeq } from "../model/video-frame.js";
import { RecentlyUsedMap } from "../participants/recently-used-map.js";
import { MAX_REMEMBERED_PARTICIPANTS } from "../participants/remembered-participants.js";

/**
 * How many streams a {@link SequenceCounter} remembers by default: the one bound on what is
 * remembered of participants, which the runtime and `groupByParticipant` also apply.
 */
export const DEFAULT_MAX_STREAMS = MAX_REMEMBERED_PARTICIPANTS;

/** Options for {@link SequenceCounter}. */
export interface SequenceCounterOptions {
  /**
   * Streams remembered at once (default {@link DEFAULT_MAX_STREAMS}). Past this, the stream that
   * received a frame least recently is forgotten: if it ever sends again, its `seq` restarts at 0.
   * Each entry costs about 100 bytes, so the default caps the counter near 10 MB.
   */
  readonly maxStreams?: number;
}

/**
 * Hands out per-stream positions (`seq`), from 0, one stream being (recording id, participant id,
 * type). Share one counter between operators, or across group lifetimes, so that a participant
 * who comes back after their group ended continues their numbering instead of restarting at 0:
 * sinks write `{seq}` into file names, so a reused number would overwrite a file.
 *
 * Memory is bounded by `maxStreams` (least recently used streams are forgotten first).
 */
export class SequenceCounter {
  /** The most streams remembered at once. */
  readonly maxStreams: number;
  readonly #next: RecentlyUsedMap<StreamKey, number>;

  constructor(options: SequenceCounterOptions = {}) {
    const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
    if (!Number.isSafeInteger(maxStreams) || maxStreams < 1) {
      throw new FramepipeError({
        code: "INVALID_ARGUMENT",
        message: `SequenceCounter: maxStreams must be a positive integer, got ${String(maxStreams)}`,
      });
    }
    this.maxStreams = maxStreams;
    this.#next = new RecentlyUsedMap(maxStreams);
  }

  /** Number of streams currently remembered. */
  get size(): number {
    return this.#next.size;
  }

  /**
   * Returns the next position of the stream and advances it. With `carried` (a frame that arrived
   * numbered, see {@link carriedSeq}), returns that instead and moves the counter past it.
   */
  next(key: StreamKey, carried?: number): number {
    const next = this.#next.peek(key) ?? 0;
    if (carried === undefined) {
      this.#next.set(key, next + 1);
      return next;
    }
    this.#next.set(key, Math.max(next, carried + 1));
    return carried;
  }

  /** The position the next frame of this stream will get, without advancing. */
  peek(key: StreamKey): number {
    return this.#next.peek(key) ?? 0;
  }

  /** Forgets one stream: its next frame gets 0 again. Returns whether it was known. */
  delete(key: StreamKey): boolean {
    return this.#next.delete(key);
  }

  /** Forgets every stream. */
  clear(): void {
    this.#next.clear();
  }
}

/**
 * Gives each incoming frame its per-stream `seq`, from 0, in arrival order; a frame that arrives
 * numbered keeps its number (see {@link carriedSeq}). The stream key is (recording id,
 * participant id, type), see {@link streamKeyOfFrame}.
 *
 * Without `counter`, every subscription gets its own fresh {@link SequenceCounter}. Pass one to
 * share numbering between subscriptions (e.g. across a reconnecting source).
 */
export function assignSequence(counter?: SequenceCounter): OperatorFunction<IncomingFrame, VideoFrame> {
  return (source) =>
    defer(() => {
      const sequences = counter ?? new SequenceCounter();
      return source.pipe(map((frame) => withSeq(frame, sequences.next(streamKeyOfFrame(frame), carriedSeq(frame)))));
    });
}
