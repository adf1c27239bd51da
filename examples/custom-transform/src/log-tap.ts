import { createSilentLogger, type LogFunction, type Logger } from "@framepipe/core";

/** One log call, with the bindings of the child logger it went through (`component`, …). */
export interface LogRecord {
  readonly level: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message: string;
}

const levels = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/**
 * A logger that hands every call, at every level, to `onRecord` and then passes it on to `next`
 * (which applies its own level). The pipeline's components log through children of it, so the
 * app sees their structured lines: here, where the websocket source listens, and each motion score.
 */
export function tapLogger(onRecord: (record: LogRecord) => void, next: Logger = createSilentLogger()): Logger {
  const build = (bindings: Record<string, unknown>, target: Logger): Logger => {
    const method = (level: LogRecord["level"]): LogFunction =>
      ((first: Record<string, unknown> | string, message?: string) => {
        if (typeof first === "string") {
          onRecord({ level, fields: bindings, message: first });
          target[level](first);
        } else {
          onRecord({ level, fields: { ...bindings, ...first }, message: message ?? "" });
          target[level](first, message);
        }
      }) as LogFunction;
    const logger = Object.fromEntries(levels.map((level) => [level, method(level)])) as Omit<Logger, "child">;
    return { ...logger, child: (extra) => build({ ...bindings, ...extra }, target.child(extra)) };
  };
  return build({}, next);
}
