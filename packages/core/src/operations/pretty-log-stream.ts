/** Where formatted log lines go: a writable stream such as `process.stdout`, or anything with `write`. */
export interface LogDestination {
  write(line: string): unknown;
  /** True for a terminal; decides `pretty: "auto"` and colours. */
  readonly isTTY?: boolean;
}

/** Options for {@link createPrettyLogStream}. */
export interface PrettyLogStreamOptions {
  readonly destination: LogDestination;
  /** ANSI colours for levels, component and keys. */
  readonly colors: boolean;
}

const levelNames: Readonly<Record<number, string>> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

const levelColors: Readonly<Record<number, string>> = {
  10: "\u001b[90m",
  20: "\u001b[36m",
  30: "\u001b[32m",
  40: "\u001b[33m",
  50: "\u001b[31m",
  60: "\u001b[35m",
};

const reset = "\u001b[0m";
const dim = "\u001b[2m";
const bold = "\u001b[1m";

// Fields the line layout shows in fixed positions, or that only help machines.
const layoutKeys = new Set(["level", "time", "msg", "component", "pid", "hostname"]);

interface SerializedError {
  readonly message: string;
  readonly stack: string;
}

function isSerializedError(value: unknown): value is SerializedError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as SerializedError).message === "string" &&
    typeof (value as SerializedError).stack === "string"
  );
}

function formatTime(time: unknown): string {
  const date = new Date(typeof time === "number" || typeof time === "string" ? time : Date.now());
  if (Number.isNaN(date.getTime())) return String(time);
  const pad = (value: number, length = 2) => String(value).padStart(length, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=\\]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Formats one pino JSON record as `time LEVEL [component] message key=value …`, followed by the
 * stack of any error field on indented lines. Returns the input unchanged if it is not JSON.
 */
export function formatLogRecord(line: string, colors: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const paint = (code: string, text: string) => (colors ? `${code}${text}${reset}` : text);
  const level = typeof record.level === "number" ? record.level : 30;
  const parts = [
    paint(dim, formatTime(record.time)),
    paint(levelColors[level] ?? "", (levelNames[level] ?? String(record.level)).padEnd(5)),
  ];
  if (record.component !== undefined) parts.push(paint(bold, `[${String(record.component)}]`));
  if (record.msg !== undefined && record.msg !== "") parts.push(String(record.msg));
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (layoutKeys.has(key) || value === undefined) continue;
    if (isSerializedError(value)) {
      parts.push(`${paint(dim, `${key}=`)}${formatValue(value.message)}`);
      stacks.push(value.stack);
      continue;
    }
    parts.push(`${paint(dim, `${key}=`)}${formatValue(value)}`);
  }
  let text = parts.join(" ");
  for (const stack of stacks) {
    text += `\n${stack
      .split("\n")
      .map((stackLine) => `    ${stackLine.trim()}`)
      .join("\n")}`;
  }
  return `${text}\n`;
}

/**
 * A pino destination that writes the compact human format of {@link formatLogRecord}, synchronously,
 * so nothing is lost when the process exits right after a log call.
 */
export function createPrettyLogStream(options: PrettyLogStreamOptions): { write(line: string): void } {
  return {
    write(line: string) {
      options.destination.write(formatLogRecord(line, options.colors));
    },
  };
}
