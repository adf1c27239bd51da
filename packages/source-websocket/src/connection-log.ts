import type { Logger } from "@framepipe/core/plugin";

/** Open and close lines written at info level per minute before they are held back to debug. */
export const connectionLinesPerMinute = 20;
/** While lines are held back, one info summary is written this often. */
export const connectionSummaryIntervalMs = 10_000;
const budgetWindowMs = 60_000;

/** What {@link ConnectionLog} writes with. */
export interface ConnectionLogSettings {
  readonly logger: Logger;
  /** Connections open now, for the summary line. */
  readonly openConnections: () => number;
  readonly now?: () => number;
}

interface SummaryPeriod {
  readonly startedAt: number;
  opened: number;
  closed: number;
}

/**
 * Logs websocket connections opening and closing without letting churn flood the log. Up to
 * {@link connectionLinesPerMinute} lines a minute go out at info, one per event, as before; past
 * that each event is logged at debug only, and an info summary of those ("N opened, M closed in
 * the last 10 s") follows every {@link connectionSummaryIntervalMs} while it lasts. 12,000
 * connect/close cycles of a reconnect storm or a scanner then cost a few dozen info lines instead
 * of 24,000, and a normal deployment still sees each bot's connection come and go. Every event is
 * in exactly one info line, individual or summary.
 */
export class ConnectionLog {
  readonly #logger: Logger;
  readonly #openConnections: () => number;
  readonly #now: () => number;
  #budgetWindowStart = Number.NEGATIVE_INFINITY;
  #linesInWindow = 0;
  #period: SummaryPeriod | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(settings: ConnectionLogSettings) {
    this.#logger = settings.logger;
    this.#openConnections = settings.openConnections;
    this.#now = settings.now ?? Date.now;
  }

  /** A connection was accepted. */
  opened(fields: Record<string, unknown>): void {
    this.#write("opened", fields, "websocket connection opened");
  }

  /** A connection closed, however that happened. */
  closed(fields: Record<string, unknown>): void {
    this.#write("closed", fields, "websocket connection closed");
  }

  /** Writes the summary of the lines held back so far (at stop, so none goes unreported). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const period = this.#period;
    this.#period = null;
    if (period === null) return;
    const seconds = Math.max(1, Math.round((this.#now() - period.startedAt) / 1000));
    this.#logger.info(
      { opened: period.opened, closed: period.closed, open: this.#openConnections(), seconds },
      `websocket connections: ${period.opened} opened, ${period.closed} closed in the last ${seconds} s ` +
        `(past ${connectionLinesPerMinute} lines a minute, each is logged at debug level only)`,
    );
  }

  #write(event: "opened" | "closed", fields: Record<string, unknown>, message: string): void {
    const now = this.#now();
    if (now - this.#budgetWindowStart >= budgetWindowMs) {
      this.#budgetWindowStart = now;
      this.#linesInWindow = 0;
    }
    if (this.#linesInWindow < connectionLinesPerMinute) {
      this.#linesInWindow += 1;
      this.#logger.info(fields, message);
      return;
    }
    this.#logger.debug(fields, message);
    this.#period ??= this.#startPeriod(now);
    this.#period[event] += 1;
  }

  #startPeriod(now: number): SummaryPeriod {
    this.#timer = setTimeout(() => this.flush(), connectionSummaryIntervalMs);
    // A pending summary must not keep the process alive; stop() flushes it.
    this.#timer.unref();
    return { startedAt: now, opened: 0, closed: 0 };
  }
}
