import type { ParseProblemKind } from "@framepipe/core";

/** Why reading a file ended early. */
export type ReplayFileErrorKind = "truncated" | "unreadable";

/** What was replayed from one file (over every pass, with `loop`). */
export interface ReplayFileSummary {
  /** Absolute path. */
  readonly path: string;
  /** Lines read, blank and bad ones included. */
  readonly lines: number;
  /** Events emitted (frames and any other Recall event the file held). */
  readonly events: number;
  /** Of which video frames. */
  readonly frames: number;
  /** Lines that were not a valid Recall message, by problem kind. */
  readonly badLines: Readonly<Partial<Record<ParseProblemKind, number>>>;
  /** Set when the file could not be read to its end: what happened and after which line. */
  readonly error: { readonly kind: ReplayFileErrorKind; readonly message: string } | null;
}

/** What a replay did, from {@link ReplaySourceInstance.finished}. */
export interface ReplaySummary {
  readonly files: readonly ReplayFileSummary[];
  /** Times the file list was played (more than 1 only with `loop`). */
  readonly passes: number;
  readonly lines: number;
  readonly events: number;
  readonly frames: number;
  readonly badLines: Readonly<Partial<Record<ParseProblemKind, number>>>;
  /** True when `stop()` (or the pipeline's signal) ended the replay before the end of the files. */
  readonly stopped: boolean;
}

/** Where a replay is. `waiting` = holding a frame until its recorded time. */
export type ReplayState = "created" | "started" | "reading" | "waiting" | "paused" | "finished" | "stopped";

/** A live view of a replay, from {@link ReplaySourceInstance.status}. */
export interface ReplayStatus {
  readonly state: ReplayState;
  /** True between the runtime's `pause()` and `resume()`. */
  readonly paused: boolean;
  /** Lines read so far, all files and passes. */
  readonly linesRead: number;
  /** Bytes read from the files so far (compressed bytes for gzip files). */
  readonly bytesRead: number;
  readonly events: number;
}

/** A mutable per-file tally, frozen into a {@link ReplayFileSummary}. */
export interface FileTally {
  readonly path: string;
  lines: number;
  events: number;
  frames: number;
  badLines: Partial<Record<ParseProblemKind, number>>;
  error: { kind: ReplayFileErrorKind; message: string } | null;
}

function addCounts(
  into: Partial<Record<ParseProblemKind, number>>,
  from: Readonly<Partial<Record<ParseProblemKind, number>>>,
): void {
  for (const [kind, count] of Object.entries(from) as [ParseProblemKind, number][]) {
    into[kind] = (into[kind] ?? 0) + count;
  }
}

/** Freezes the tallies into a {@link ReplaySummary}. */
export function summarise(tallies: readonly FileTally[], passes: number, stopped: boolean): ReplaySummary {
  const files = tallies.map((tally) =>
    Object.freeze({ ...tally, badLines: Object.freeze({ ...tally.badLines }), error: tally.error }),
  );
  const badLines: Partial<Record<ParseProblemKind, number>> = {};
  for (const file of files) addCounts(badLines, file.badLines);
  return Object.freeze({
    files: Object.freeze(files),
    passes,
    lines: files.reduce((total, file) => total + file.lines, 0),
    events: files.reduce((total, file) => total + file.events, 0),
    frames: files.reduce((total, file) => total + file.frames, 0),
    badLines: Object.freeze(badLines),
    stopped,
  });
}
