import type { ComponentMetrics, Logger, PluginContext } from "@framepipe/core";
import { createTestContext } from "@framepipe/testing";

/** One log call. */
export interface LogEntry {
  readonly level: string;
  readonly object: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A plugin context whose logger and metrics record what the sink reports. */
export function recordingContext(): {
  context: PluginContext;
  logs: LogEntry[];
  gauges: Map<string, number[]>;
  counters: Map<string, number>;
} {
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
