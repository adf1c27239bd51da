import type { LogFunction, Logger } from "../../../src/services/logger.js";

/** One captured log line. */
export interface LogLine {
  readonly level: string;
  readonly bindings: Record<string, unknown>;
  readonly object: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A logger that records every line with its child bindings. */
export function recordingLogger(
  lines: LogLine[] = [],
  bindings: Record<string, unknown> = {},
): Logger & {
  lines: LogLine[];
} {
  const at =
    (level: string): LogFunction =>
    (objectOrMessage: Record<string, unknown> | string, message?: string) => {
      if (typeof objectOrMessage === "string") lines.push({ level, bindings, object: {}, message: objectOrMessage });
      else lines.push({ level, bindings, object: objectOrMessage, message });
    };
  return {
    lines,
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: (extra) => recordingLogger(lines, { ...bindings, ...extra }),
  };
}
