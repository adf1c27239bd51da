import { relative as relativePath } from "node:path";
import {
  type Clock,
  defineSource,
  describeError,
  freezeFrame,
  type ParseProblem,
  type ParseProblemKind,
  type PluginContext,
  parseRecallMessage,
  type RecallEvent,
  type SourceInstance,
  systemClock,
} from "@framepipe/core";
import { Observable, Subject } from "rxjs";
import { FlowGate, sleep } from "./flow-gate.js";
import { openReplayFile, type ReplayInput } from "./open-replay-file.js";
import { type ReplaySourceOptions, replaySourceOptions } from "./replay-source-options.js";
import {
  type FileTally,
  type ReplayState,
  type ReplayStatus,
  type ReplaySummary,
  summarise,
} from "./replay-summary.js";
import { resolveReplayFiles } from "./resolve-replay-files.js";

/** A running `replay` source: the plugin API's source plus a way to follow the replay. */
export interface ReplaySourceInstance extends SourceInstance {
  /** Checks that the files exist (rejects with `SOURCE_FAILED` naming each missing one); reading starts on subscription. */
  start(): Promise<void>;
  /** Stops reading before the next line (the read stream is no longer pulled). */
  pause(): void;
  resume(): void;
  /** Ends the replay early; resolves once `events$` has completed. */
  stop(): Promise<void>;
  /** Resolves once `events$` has completed (end of the files, or `stop()`), with what was replayed. Never rejects. */
  readonly finished: Promise<ReplaySummary>;
  /** A snapshot of where the replay is. */
  status(): ReplayStatus;
}

/** What tests and embedders may replace. */
export interface ReplaySourceDependencies {
  /** Time for pacing. Default: the system clock. */
  readonly clock?: Clock;
}

/** The recorded time of an event in seconds, or null for events without one (never delayed). */
function recordedTime(event: RecallEvent): number | null {
  switch (event.kind) {
    case "video-frame":
      return event.frame.timestamp.relative;
    case "video-h264":
    case "participant":
    case "audio":
      return event.timestamp.relative;
    default:
      return null;
  }
}

/** The event as received now: a paced event waited after it was parsed, and latency counts from emission. */
function receivedNow(event: RecallEvent): RecallEvent {
  const receivedAt = performance.now();
  if (event.kind === "video-frame") {
    return Object.freeze({ ...event, frame: freezeFrame({ ...event.frame, receivedAt }) });
  }
  return Object.freeze({ ...event, receivedAt });
}

function isTruncation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "Z_BUF_ERROR" || (error instanceof Error && /unexpected end of file/i.test(error.message));
}

/**
 * Builds a `replay` source. Reading starts when `events$` is first subscribed (after `start()`,
 * which checks that the files exist); `events$` completes after the last file (unless `loop`) or
 * on `stop()`. Bad lines are counted by problem kind and logged once per kind per file; a file that
 * cannot be read to its end (a truncated gzip) is reported and the replay goes on.
 */
export function createReplaySource(
  options: ReplaySourceOptions,
  context: PluginContext,
  dependencies: ReplaySourceDependencies = {},
): ReplaySourceInstance {
  const clock = dependencies.clock ?? systemClock;
  const gate = new FlowGate(clock);
  const stopController = new AbortController();
  const signal = stopController.signal;
  const subject = new Subject<RecallEvent>();
  const inputs = new Set<ReplayInput>();
  const tallies = new Map<string, FileTally>();
  const linesTotal = context.metrics.counter("replay_lines_total", "Lines read from replay files.");
  const badLinesTotal = context.metrics.counter(
    "replay_bad_lines_total",
    "Lines that were not a valid Recall message, by problem kind.",
    ["kind"],
  );
  const fileErrorsTotal = context.metrics.counter(
    "replay_file_errors_total",
    "Replay files that could not be read to their end, by kind (truncated, unreadable).",
    ["kind"],
  );

  let files: Promise<string[]> | null = null;
  let running: Promise<ReplaySummary> | null = null;
  let state: ReplayState = "created";
  let passes = 0;
  let linesRead = 0;
  let bytesReadDone = 0;
  let events = 0;
  let resolveFinished: (summary: ReplaySummary) => void = () => {};
  const finished = new Promise<ReplaySummary>((resolve) => {
    resolveFinished = resolve;
  });

  const onContextAbort = (): void => stopController.abort();
  context.signal.addEventListener("abort", onContextAbort, { once: true });

  const resolveFiles = (): Promise<string[]> => {
    files ??= resolveReplayFiles(options.files).catch((error: unknown) => {
      throw context.error(`cannot replay: ${describeError(error)}`, { stage: "start", cause: error });
    });
    return files;
  };

  const tallyOf = (path: string): FileTally => {
    let tally = tallies.get(path);
    if (!tally) {
      tally = { path, lines: 0, events: 0, frames: 0, badLines: {}, error: null };
      tallies.set(path, tally);
    }
    return tally;
  };

  const display = (path: string): string => {
    const shown = relativePath(process.cwd(), path);
    return shown.startsWith("..") ? path : shown;
  };

  const countBadLine = (tally: FileTally, kind: ParseProblemKind, line: number, problem: Partial<ParseProblem>) => {
    const seen = tally.badLines[kind] ?? 0;
    tally.badLines[kind] = seen + 1;
    badLinesTotal.inc({ kind });
    if (seen > 0) return;
    context.logger.warn(
      { file: display(tally.path), line, kind, problem: problem.message, path: problem.path },
      "bad line in a replay file, skipped (further lines of this kind in this file are counted, not logged)",
    );
  };

  /** Waits until an event recorded `offset` ms after its file's first one is due; false when stopped. */
  const waitForDue = async (due: () => number): Promise<boolean> => {
    while (!signal.aborted) {
      if (gate.paused) {
        state = "paused";
        await gate.whenOpen(signal);
        continue;
      }
      const wait = due() - clock.now();
      if (wait <= 0) break;
      state = "waiting";
      await sleep(clock, wait, signal);
    }
    state = "reading";
    return !signal.aborted;
  };

  const waitWhilePaused = async (): Promise<boolean> => {
    if (gate.paused) {
      state = "paused";
      await gate.whenOpen(signal);
      state = "reading";
    }
    return !signal.aborted;
  };

  const replayFile = async (path: string): Promise<void> => {
    const tally = tallyOf(path);
    const paced = options.speed !== "max";
    const speed = options.speed === "max" ? Number.POSITIVE_INFINITY : options.speed;
    let input: ReplayInput;
    try {
      input = await openReplayFile(path, options.maxLineBytes);
    } catch (error) {
      tally.error = { kind: "unreadable", message: error instanceof Error ? error.message : String(error) };
      fileErrorsTotal.inc({ kind: "unreadable" });
      context.logger.error({ file: display(path), error: tally.error.message }, "cannot open a replay file; skipped");
      return;
    }
    inputs.add(input);
    const startedAt = clock.now();
    const pausedBefore = gate.pausedMilliseconds();
    let firstTime: number | null = null;
    let lastLine = 0;
    try {
      for await (const item of input.lines) {
        lastLine = item.number;
        linesRead += 1;
        tally.lines += 1;
        linesTotal.inc();
        if (item.kind === "too-long") {
          countBadLine(tally, "too-large", item.number, {
            message: `line of ${item.bytes} bytes exceeds maxLineBytes (${options.maxLineBytes})`,
          });
          continue;
        }
        const result = parseRecallMessage(item.line, {
          maxBytes: options.maxLineBytes,
          maxPixels: options.maxPixels,
        });
        if (!result.ok) {
          countBadLine(tally, result.problem.kind, item.number, result.problem);
          continue;
        }
        let event = result.event;
        const time = paced ? recordedTime(event) : null;
        if (time !== null) {
          firstTime ??= time;
          const offset = (Math.max(0, time - firstTime) * 1000) / speed;
          const due = (): number => startedAt + (gate.pausedMilliseconds() - pausedBefore) + offset;
          if (!(await waitForDue(due))) break;
          event = receivedNow(event);
        } else if (!(await waitWhilePaused())) {
          break;
        }
        events += 1;
        tally.events += 1;
        if (event.kind === "video-frame") tally.frames += 1;
        subject.next(event);
        // The runtime may have paused us from inside next(): hold before pulling another line.
        if (!(await waitWhilePaused())) break;
      }
    } catch (error) {
      if (!signal.aborted) {
        const kind = isTruncation(error) ? "truncated" : "unreadable";
        const reason = error instanceof Error ? error.message : String(error);
        const message =
          kind === "truncated"
            ? `${display(path)} is truncated (${reason}) after line ${lastLine}; the lines before it were replayed`
            : `${display(path)} could not be read after line ${lastLine} (${reason}); the lines before it were replayed`;
        tally.error = { kind, message };
        fileErrorsTotal.inc({ kind });
        context.logger.error({ file: display(path), line: lastLine, kind }, message);
      }
    } finally {
      inputs.delete(input);
      bytesReadDone += input.bytesRead();
      input.destroy();
    }
  };

  const run = async (): Promise<ReplaySummary> => {
    let paths: string[] = [];
    try {
      if (!signal.aborted) paths = await resolveFiles();
    } catch (error) {
      context.logger.error({ error: (error as Error).message }, "replay has nothing to read");
    }
    state = "reading";
    while (paths.length > 0 && !signal.aborted) {
      passes += 1;
      const eventsBefore = events;
      if (options.speed === "max") {
        for (const path of paths) {
          if (signal.aborted) break;
          await replayFile(path);
        }
      } else {
        // Files recorded by different bots played together, as they happened.
        await Promise.all(paths.map((path) => replayFile(path)));
      }
      if (!options.loop) break;
      if (events === eventsBefore) {
        context.logger.warn({ passes }, "loop: a whole pass produced no event; the replay ends here");
        break;
      }
    }
    const stopped = signal.aborted;
    state = stopped ? "stopped" : "finished";
    const summary = summarise([...tallies.values()], passes, stopped);
    const problems = Object.values(summary.badLines).reduce((total, count) => total + (count ?? 0), 0);
    const details = {
      files: summary.files.length,
      passes,
      lines: summary.lines,
      frames: summary.frames,
      events: summary.events,
      badLines: summary.badLines,
      unreadableFiles: summary.files.filter((file) => file.error).map((file) => file.error?.message),
      stopped,
    };
    if (problems > 0 || summary.files.some((file) => file.error)) context.logger.warn(details, "replay finished");
    else context.logger.info(details, "replay finished");
    context.signal.removeEventListener("abort", onContextAbort);
    subject.complete();
    resolveFinished(summary);
    return summary;
  };

  const ensureRunning = (): Promise<ReplaySummary> => {
    running ??= run();
    return running;
  };

  const events$ = new Observable<RecallEvent>((subscriber) => {
    const subscription = subject.subscribe(subscriber);
    void ensureRunning();
    return subscription;
  });

  return {
    events$,
    finished,
    async start() {
      if (state === "created") state = "started";
      await resolveFiles();
    },
    pause() {
      gate.pause();
    },
    resume() {
      gate.resume();
    },
    async stop() {
      stopController.abort();
      for (const input of inputs) input.destroy();
      // Never subscribed: complete now, so a late subscriber completes at once too.
      await ensureRunning();
    },
    status(): ReplayStatus {
      let bytesRead = bytesReadDone;
      for (const input of inputs) bytesRead += input.bytesRead();
      return Object.freeze({
        state: gate.paused && state === "reading" ? "paused" : state,
        paused: gate.paused,
        linesRead,
        bytesRead,
        events,
      });
    },
  };
}

/**
 * `@framepipe/source-replay`: replays Recall-format NDJSON recordings (the `record` sink's files,
 * plain or gzipped) at the recorded pace, faster, slower, or as fast as the pipeline takes them.
 */
export const replaySource = defineSource({
  type: "replay",
  summary: "Replays Recall-format NDJSON recordings (plain or gzipped) at recorded pace or as fast as possible.",
  options: replaySourceOptions,
  create: (options, context) => createReplaySource(options, context),
});
