import { type PrettyOptions, prettyFactory } from "pino-pretty";
import type { LogDestination } from "./log-destination.js";

/** Options for {@link createPrettyLogStream}. */
export interface PrettyLogStreamOptions {
  readonly destination: LogDestination;
  /** ANSI colours for levels, message and fields. */
  readonly colors: boolean;
}

/**
 * pino-pretty's settings for framepipe's human format, one line per record:
 * `[HH:MM:ss.l] LEVEL: [component] message {"key":"value"}`, with any `err` or `error` field
 * (message and stack) on indented lines below.
 */
function prettyLogOptions(colors: boolean): PrettyOptions {
  return {
    colorize: colors,
    messageKey: "msg",
    // Local wall-clock time: a terminal reader compares it with the clock, not with other hosts.
    translateTime: "SYS:HH:MM:ss.l",
    // The component is shown before the message instead; pid and hostname only clutter a terminal.
    ignore: "pid,hostname,component",
    messageFormat: "{if component}[{component}] {end}{msg}",
    // Fields on the record's line, not one per line: keeps a busy terminal scannable.
    singleLine: true,
  };
}

/**
 * A pino destination that writes the human format of {@link prettyLogOptions}. Formatting runs
 * in-process and each line is written before the log call returns (no transport, no worker
 * thread), so nothing is lost when the process exits right after a log call.
 */
export function createPrettyLogStream(options: PrettyLogStreamOptions): { write(line: string): void } {
  const format = prettyFactory(prettyLogOptions(options.colors));
  return {
    write(line: string) {
      options.destination.write(format(line));
    },
  };
}
