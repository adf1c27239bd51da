import type { Logger } from "../services/logger.js";
import type { Clock } from "./clock.js";

/** Failed frames logged one by one per component and interval; past that they are summed up. */
export const ERROR_LOG_LIMIT = 10;
/** The interval of {@link ERROR_LOG_LIMIT}, in milliseconds. */
export const ERROR_LOG_INTERVAL_MS = 10_000;

interface Window {
  start: number;
  logged: number;
  suppressed: number;
}

/**
 * Logs each failure once with its context, but at most {@link ERROR_LOG_LIMIT} lines per component
 * per interval: a sink that is down must not flood the logs with one line per frame. What was held
 * back is reported as a count when the next interval starts, or at shutdown.
 */
export class ErrorLogLimiter {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #windows = new Map<string, Window>();

  constructor(clock: Clock, logger: Logger) {
    this.#clock = clock;
    this.#logger = logger;
  }

  error(component: string, context: Record<string, unknown>, message: string): void {
    const now = this.#clock.now();
    let window = this.#windows.get(component);
    if (!window) {
      window = { start: now, logged: 0, suppressed: 0 };
      this.#windows.set(component, window);
    } else if (now - window.start >= ERROR_LOG_INTERVAL_MS) {
      this.#reportSuppressed(component, window);
      window.start = now;
      window.logged = 0;
    }
    if (window.logged < ERROR_LOG_LIMIT) {
      window.logged += 1;
      this.#logger.error(context, message);
    } else {
      window.suppressed += 1;
    }
  }

  /** Reports every count held back. */
  flush(): void {
    for (const [component, window] of this.#windows) this.#reportSuppressed(component, window);
  }

  #reportSuppressed(component: string, window: Window): void {
    if (window.suppressed === 0) return;
    this.#logger.warn(
      { component, suppressed: window.suppressed },
      `${window.suppressed} more failed frames of ${component} were not logged one by one`,
    );
    window.suppressed = 0;
  }
}
