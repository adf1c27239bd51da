import type { ComponentMetrics, Logger, PluginContext } from "@framepipe/core";
import { createTestContext } from "./test-context.js";

/** One call to a {@link createRecordingContext} logger. */
export interface LogEntry {
  readonly level: string;
  readonly object: Record<string, unknown>;
  readonly message: string | undefined;
}

/** What {@link createRecordingContext} returns: the context and what the plugin reported through it. */
export interface RecordingContext {
  readonly context: PluginContext;
  /** Every log call, in order. */
  readonly logs: LogEntry[];
  /** Every value each gauge was set to, by gauge name. */
  readonly gauges: Map<string, number[]>;
  /** Counter totals by `name` or `name{"label":"value"}` (labels as JSON). */
  readonly counters: Map<string, number>;
}

/**
 * A plugin context whose logger and metrics record what the plugin reports, so a test can assert
 * that a failure was logged once and counted with the right labels.
 */
export function createRecordingContext(): RecordingContext {
  const logs: LogEntry[] = [];
  const gauges = new Map<string, number[]>();
  const counters = new Map<string, number>();
  const logAt =
    (level: string) =>
    (first: Record<string, unknown> | string, message?: string): void => {
      logs.push(typeof first === "string" ? { level, object: {}, message: first } : { level, object: first, message });
    };
  const logger: Logger = {
    trace: logAt("trace"),
    debug: logAt("debug"),
    info: logAt("info"),
    warn: logAt("warn"),
    error: logAt("error"),
    fatal: logAt("fatal"),
    child: () => logger,
  };
  const metrics: ComponentMetrics = {
    counter: (name) => ({
      inc: (labels, value = 1) => {
        const key = labels ? `${name}${JSON.stringify(labels)}` : name;
        counters.set(key, (counters.get(key) ?? 0) + value);
      },
    }),
    gauge: (name) => {
      const values = gauges.get(name) ?? [];
      gauges.set(name, values);
      return { set: (value) => values.push(value), inc: () => {}, dec: () => {} };
    },
    histogram: () => ({ observe: () => {} }),
  };
  return { context: createTestContext({ logger, metrics }), logs, gauges, counters };
}
