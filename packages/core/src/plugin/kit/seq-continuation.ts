import type { StreamKey } from "../../model/stream-key.js";
import { streamKeyOfFrame } from "../../model/stream-key.js";
import { type VideoFrame, withSeq } from "../../model/video-frame.js";
import type { PathTemplate } from "../../templates/index.js";

/**
 * Continued streams remembered at once. Only streams whose files collided with earlier ones have
 * an entry (those in flight when a pipeline restarted), so this bound is rarely reached; a stream
 * forgotten beyond it is probed again at its next collision, which finds the same place.
 */
export const MAX_CONTINUED_STREAMS = 10_000;

/** Probing stops here: a stream with this many files after the collision is not a restart. */
const MAX_PROBE_DISTANCE = 2 ** 40;

/** A stream's numbering moved past files that already existed. */
export interface SeqContinued {
  readonly stream: StreamKey;
  /** The frame whose file existed (its `seq` as ingest assigned it in this run). */
  readonly frame: VideoFrame;
  /** The seq it is written under instead: the first free one found. */
  readonly seq: number;
  /** True the first time this stream moved (a restart); false when it moved again (a hole in the earlier numbering). */
  readonly first: boolean;
}

/** What {@link SeqContinuation} needs from the sink. */
export interface SeqContinuationOptions {
  /** The sink's path template; continuation is on only when it contains `{seq}`. */
  readonly template: PathTemplate;
  /** Whether a rendered path (relative to the root, or an object key) exists. Rejects for errors other than "no such file". */
  readonly exists: (relativePath: string) => Promise<boolean>;
  /** Told of each move, for the log line and the metric. */
  readonly onContinued?: (event: SeqContinued) => void;
}

/**
 * The first free seq after `taken`, which is known to be taken: an exponential search upward
 * (`taken + 1`, `+ 2`, `+ 4`, …) until a free seq, then a binary search between the last taken
 * and that free one. About 2·log2(N) checks for N files after `taken`. With holes in the
 * numbering it returns a free seq whose predecessor is taken, not necessarily the lowest free one.
 */
export async function nextFreeSeq(taken: number, isTaken: (seq: number) => Promise<boolean>): Promise<number> {
  let low = taken; // taken
  let distance = 1;
  let high = taken + distance;
  while (await isTaken(high)) {
    low = high;
    distance *= 2;
    if (distance > MAX_PROBE_DISTANCE) throw new Error(`no free seq within ${MAX_PROBE_DISTANCE} after ${taken}`);
    high = taken + distance;
  }
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (await isTaken(middle)) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * Continues a stream's `{seq}` numbering after files that already exist, so a pipeline restarted
 * in the middle of a recording (ingest counts every stream from 0 again) writes the rest of it
 * after the first run's files instead of having every frame refused as "already exists".
 *
 * Each stream keeps an offset, 0 until one of its frames finds its file taken. Then the sink
 * probes rendered paths ({@link nextFreeSeq}: O(log N) `lstat`s, once per stream and restart) and
 * the offset becomes `firstFree − frame.seq`; later frames of the stream are written at
 * `seq + offset` without probing. A later collision (a hole in the earlier run's numbering) probes
 * again from there. Existing files are never compared with the new frame: a static screenshare
 * sends identical images for minutes, so equal bytes do not make a frame a duplicate, and Recall
 * never resends a frame.
 */
export class SeqContinuation {
  /** False when the template has no `{seq}`: an existing file then stays an error. */
  readonly enabled: boolean;
  readonly #options: SeqContinuationOptions;
  readonly #offsets = new Map<StreamKey, number>();

  constructor(options: SeqContinuationOptions) {
    this.#options = options;
    this.enabled = options.template.fields.includes("seq");
  }

  /** The frame to write: `frame` itself, or a copy numbered after its stream's earlier files. */
  numbered(frame: VideoFrame): VideoFrame {
    if (this.#offsets.size === 0) return frame;
    const offset = this.#offsets.get(streamKeyOfFrame(frame));
    return offset === undefined ? frame : withSeq(frame, frame.seq + offset);
  }

  /**
   * After `attempt` (a numbering of `frame`) found its file taken: the numbering of `frame` at the
   * next free seq of its stream, remembered for the stream's later frames.
   */
  async continueAfter(frame: VideoFrame, attempt: VideoFrame): Promise<VideoFrame> {
    const { template, exists } = this.#options;
    const seq = await nextFreeSeq(attempt.seq, (candidate) => exists(template.render(withSeq(frame, candidate))));
    const stream = streamKeyOfFrame(frame);
    const previous = this.#offsets.get(stream);
    this.#offsets.delete(stream); // re-inserted as the newest
    if (this.#offsets.size >= MAX_CONTINUED_STREAMS) {
      const oldest = this.#offsets.keys().next();
      if (!oldest.done) this.#offsets.delete(oldest.value);
    }
    // Never back: concurrent writes of one stream (possible outside a pipeline) may probe out of order.
    this.#offsets.set(stream, Math.max(previous ?? 0, seq - frame.seq));
    const first = previous === undefined;
    this.#options.onContinued?.({ stream, frame, seq, first });
    return withSeq(frame, seq);
  }
}
