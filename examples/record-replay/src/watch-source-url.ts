import { createSilentLogger, type LogFunction, type Logger } from "@framepipe/core";

/** A logger that passes everything on and remembers where the websocket source listens. */
export interface SourceUrlWatcher {
  readonly logger: Logger;
  /** `ws://host:port/path/` once the source has started; null before. */
  url(): string | null;
}

const levels = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/**
 * Wraps `next` (default: silent). The websocket source logs its address when it starts
 * ("websocket source listening", with `url`); with `port: 0` that is the only way to learn which
 * free port it picked when the pipeline comes from a config file.
 */
export function watchSourceUrl(next: Logger = createSilentLogger()): SourceUrlWatcher {
  let url: string | null = null;
  const wrap = (target: Logger): Logger => {
    const method = (level: (typeof levels)[number]): LogFunction =>
      ((first: Record<string, unknown> | string, message?: string) => {
        if (typeof first === "string") return target[level](first);
        if (message === "websocket source listening" && typeof first.url === "string") url = first.url;
        return target[level](first, message);
      }) as LogFunction;
    const methods = Object.fromEntries(levels.map((level) => [level, method(level)])) as Omit<Logger, "child">;
    return { ...methods, child: (bindings) => wrap(target.child(bindings)) };
  };
  return { logger: wrap(next), url: () => url };
}
