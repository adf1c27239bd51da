import type { Logger } from "@framepipe/core";
import { PARENT_CHECK_INTERVAL_MS, startedByPackageManager, watchParent } from "./parent-watch.js";

/**
 * A signal this soon after the first stop request is the same request, not a second one: a
 * package manager passes on the signals it gets, so a signal sent to the whole process group
 * (Ctrl-C on a terminal, systemd stopping a unit, `kill -- -<pgid>`) reaches `framepipe run`
 * twice within milliseconds, once directly and once through the package manager.
 */
export const REPEATED_SIGNAL_WINDOW_MS = 1000;

/** Options of {@link listenForStopRequests}. */
export interface StopRequestsOptions {
  /** Delivers SIGINT and SIGTERM: the process, or an emitter in tests. */
  readonly signals: NodeJS.EventEmitter;
  readonly logger: Logger;
  /** Asks the pipeline to stop with a reason (the summary shows it); a second call forces the stop. */
  readonly stop: (reason: string) => void;
  /** Drain when the parent process exits ({@link watchParent}). Default: when a package manager started us. */
  readonly watchParent?: boolean;
  /** Default {@link REPEATED_SIGNAL_WINDOW_MS}. */
  readonly repeatedSignalWindowMs?: number;
  /** Default {@link PARENT_CHECK_INTERVAL_MS}. */
  readonly parentCheckIntervalMs?: number;
  /** Default `process.ppid`. */
  readonly parentPid?: () => number;
  /** Monotonic milliseconds. Default `performance.now()`. */
  readonly now?: () => number;
}

/**
 * What stops `framepipe run`: the first SIGINT or SIGTERM drains; another one at least
 * {@link REPEATED_SIGNAL_WINDOW_MS} later forces the stop (one sooner is the same request passed
 * on by a package manager, and is only logged). When a package manager started framepipe, the
 * exit of the parent process drains too, as SIGTERM would ({@link watchParent}: a package
 * manager's shell may die of the signal without passing it on). Returns the function that stops
 * listening.
 */
export function listenForStopRequests(options: StopRequestsOptions): () => void {
  const { signals, logger, stop } = options;
  const now = options.now ?? (() => performance.now());
  const window = options.repeatedSignalWindowMs ?? REPEATED_SIGNAL_WINDOW_MS;
  let firstRequestAt: number | null = null;

  const onSignal = (signal: NodeJS.Signals) => {
    const at = now();
    if (firstRequestAt === null) {
      firstRequestAt = at;
      logger.info({ signal }, "stopping: draining accepted frames");
      stop(signal);
    } else if (at - firstRequestAt < window) {
      logger.info(
        { signal, sinceFirstMs: Math.round(at - firstRequestAt) },
        "the same stop request again (a package manager passes signals on): still draining; signal again to force",
      );
    } else {
      logger.info({ signal }, "second signal: forcing stop");
      stop(signal);
    }
  };
  const onInterrupt = () => onSignal("SIGINT");
  const onTerminate = () => onSignal("SIGTERM");
  signals.on("SIGINT", onInterrupt);
  signals.on("SIGTERM", onTerminate);

  const unwatch =
    (options.watchParent ?? startedByPackageManager())
      ? watchParent({
          intervalMs: options.parentCheckIntervalMs ?? PARENT_CHECK_INTERVAL_MS,
          ...(options.parentPid ? { parentPid: options.parentPid } : {}),
          onParentExit: ({ parent, now: adoptedBy }) => {
            if (firstRequestAt !== null) return;
            firstRequestAt = now();
            logger.warn(
              { parent, adoptedBy },
              "the process that started framepipe exited without passing on a signal: draining as on SIGTERM",
            );
            stop("parent exited");
          },
        })
      : () => {};

  return () => {
    signals.off("SIGINT", onInterrupt);
    signals.off("SIGTERM", onTerminate);
    unwatch();
  };
}
