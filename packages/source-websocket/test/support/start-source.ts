import type { Server } from "node:http";
import type { Logger, RecallEvent } from "@framepipe/core";
import { createTestContext } from "@framepipe/testing";
import {
  type WebsocketSourceInstance,
  type WebsocketSourceOptionsInput,
  websocketSource,
  websocketSourceOptionsSchema,
} from "../../src/index.js";

/** One captured log line. */
export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every line, bindings of child loggers included; `onLine` hears of each. */
export function recordingLogger(
  lines: LogLine[],
  bindings: Record<string, unknown> = {},
  onLine: () => void = () => {},
): Logger {
  const log =
    (level: string) =>
    (first: Record<string, unknown> | string, second?: string): void => {
      const fields = typeof first === "string" ? {} : first;
      const message = typeof first === "string" ? first : (second ?? "");
      lines.push({ level, message, fields: { ...bindings, ...fields } });
      onLine();
    };
  return {
    trace: log("trace"),
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    fatal: log("fatal"),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }, onLine),
  } as Logger;
}

/** A started source with everything a test looks at. */
export interface StartedSource {
  readonly source: WebsocketSourceInstance;
  readonly events: RecallEvent[];
  readonly logs: LogLine[];
  /** Resolves when events$ completes. */
  readonly completed: Promise<void>;
  /** The source's URL (no credentials). */
  readonly url: string;
  /** Resolves once `count` events in total have arrived. */
  waitForEvents(count: number): Promise<void>;
  /** Resolves once an event matching `predicate` has arrived (or already had). */
  waitForEvent(predicate: (event: RecallEvent) => boolean): Promise<RecallEvent>;
  /** Resolves once `count` log lines (default 1) match `predicate`, counting those already written. */
  waitForLogs(predicate: (line: LogLine) => boolean, count?: number): Promise<void>;
}

/** Creates (through the plugin definition) and starts a websocket source on a free port of 127.0.0.1. */
export async function startSource(
  options: Partial<WebsocketSourceOptionsInput> = {},
  httpServer?: Server,
): Promise<StartedSource> {
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const parsed = websocketSourceOptionsSchema.parse({ port: 0, token: "test-token-123", ...options });
  const source = (await websocketSource.create(
    parsed,
    createTestContext<typeof websocketSource.deps>({
      kind: "source",
      type: "websocket",
      componentId: "recall",
      logger: recordingLogger(logs, {}, wake),
      services: { httpServer },
    }),
  )) as WebsocketSourceInstance;
  const events: RecallEvent[] = [];
  const completed = new Promise<void>((resolve, reject) => {
    source.events$.subscribe({
      next: (event) => {
        events.push(event);
        wake();
      },
      error: reject,
      complete: resolve,
    });
  });
  await source.start();
  const waitFor = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const attempt = (): void => {
        const value = check();
        if (value === undefined) return;
        waiters.delete(attempt);
        resolve(value);
      };
      waiters.add(attempt);
      attempt();
    });
  return {
    source,
    events,
    logs,
    completed,
    url: source.address()?.url ?? "",
    waitForEvents: (count) => waitFor(() => (events.length >= count ? true : undefined)).then(() => {}),
    waitForEvent: (predicate) => waitFor(() => events.find(predicate)),
    waitForLogs: (predicate, count = 1) =>
      waitFor(() => (logs.filter(predicate).length >= count ? true : undefined)).then(() => {}),
  };
}
