import { type Logger as PinoLogger, pino } from "pino";
import type { PipelineConfig } from "../config/pipeline-config.js";
import type { Logger } from "../services/logger.js";
import type { LogDestination } from "./log-destination.js";
import { createPrettyLogStream } from "./pretty-log-stream.js";

/** A log level name, or `silent`. */
export type LoggerLevel = PipelineConfig["log"]["level"];

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  readonly level: LoggerLevel;
  /**
   * `true`: the human format (pino-pretty); `false`: JSON lines; `"auto"` (default): human format
   * when the destination is a terminal.
   */
  readonly pretty?: boolean | "auto";
  /** Default: `process.stdout`. */
  readonly destination?: LogDestination;
  /** ANSI colours in the human format. Default: when the destination is a terminal and `NO_COLOR` is unset. */
  readonly colors?: boolean;
  /** Extra field paths to redact (pino syntax: `config.apiKey`, `*.apiKey`). */
  readonly redact?: readonly string[];
}

const secretKeys = [
  "token",
  "secret",
  "password",
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
  "apiKey",
  "authorization",
  "cookie",
  "credentials",
];

/**
 * Paths pino redacts by default: common secret keys at the top level, one level down (`options.token`),
 * two levels down (`context.credentials.secretAccessKey`), and in HTTP headers.
 */
export const defaultRedactPaths: readonly string[] = Object.freeze([
  ...secretKeys,
  ...secretKeys.map((key) => `*.${key}`),
  ...secretKeys.map((key) => `*.*.${key}`),
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
]);

/**
 * Creates the framepipe logger: pino, JSON lines when the output is not a terminal (for log
 * shippers), and pino-pretty's `[time] LEVEL: [component] message {"key":"value"}` format when it
 * is (or when `pretty: true`). Secret-looking fields are replaced by `[redacted]`; both `err` and
 * `error` fields holding an Error are serialised with message and stack.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: "info" });
 * logger.child({ component: "sink:fs#disk" }).info({ file: "a.png" }, "written");
 * ```
 */
export function createLogger(options: CreateLoggerOptions): Logger & PinoLogger {
  const destination = options.destination ?? process.stdout;
  const terminal = destination.isTTY === true;
  const pretty = options.pretty === "auto" || options.pretty === undefined ? terminal : options.pretty;
  const colors = options.colors ?? (terminal && process.env.NO_COLOR === undefined);
  const loggerOptions: pino.LoggerOptions = {
    level: options.level,
    redact: { paths: [...defaultRedactPaths, ...(options.redact ?? [])], censor: "[redacted]" },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    timestamp: pino.stdTimeFunctions.isoTime,
    // pid and hostname help log shippers but only clutter a terminal.
    ...(pretty ? { base: null } : {}),
  };
  const stream = pretty
    ? createPrettyLogStream({ destination, colors })
    : { write: (line: string) => destination.write(line) };
  // Without a destination, JSON goes through pino's own stdout writer (sonic-boom), its fastest path.
  return options.destination === undefined && !pretty ? pino(loggerOptions) : pino(loggerOptions, stream);
}
