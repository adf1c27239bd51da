/** A structured log function: pino's calling convention (`log(object, message)` or `log(message)`). */
export interface LogFunction {
  (object: Record<string, unknown>, message?: string): void;
  (message: string): void;
}

/**
 * The logger plugins receive. pino's `Logger` satisfies it, so a host app can pass its own pino
 * logger; anything with these methods works too.
 */
export interface Logger {
  trace: LogFunction;
  debug: LogFunction;
  info: LogFunction;
  warn: LogFunction;
  error: LogFunction;
  fatal: LogFunction;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that discards everything: the default in tests and embedding without a logger. */
export function createSilentLogger(): Logger {
  const ignore = (() => {}) as LogFunction;
  const logger: Logger = {
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: ignore,
    fatal: ignore,
    child: () => logger,
  };
  return logger;
}
