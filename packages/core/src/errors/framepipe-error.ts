const marker = Symbol.for("framepipe.error");

/** Machine-readable error codes. Stable: users match on them. */
export type FramepipeErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_NOT_FOUND"
  | "PLUGIN_NOT_FOUND"
  | "PLUGIN_INVALID"
  | "PLUGIN_LOAD_FAILED"
  | "SOURCE_FAILED"
  | "TRANSFORM_FAILED"
  | "SINK_WRITE_FAILED"
  | "PIPELINE_FAILED"
  | "SHUTDOWN_TIMEOUT"
  | "INVALID_ARGUMENT";

/** Where in a component's life an error happened; used in messages and metric labels. */
export type ErrorStage =
  | "config"
  | "load"
  | "create"
  | "start"
  | "receive"
  | "transform"
  | "write"
  | "end-stream"
  | "end-group"
  | "flush"
  | "close";

/** Options for {@link FramepipeError}. */
export interface FramepipeErrorOptions {
  readonly code: FramepipeErrorCode;
  readonly message: string;
  /** Component label such as `sink:s3#archive`; prefixes the message. */
  readonly component?: string;
  readonly stage?: ErrorStage;
  readonly cause?: unknown;
  /** A transient error may succeed when retried (throttling, 5xx, a reset connection). */
  readonly transient?: boolean;
}

/**
 * The one error class of framepipe. Recognise it with {@link FramepipeError.isInstance}, which
 * works across duplicated package copies where `instanceof` does not.
 * Messages read `[framepipe] [sink:s3#archive] …` and never contain secrets.
 */
export class FramepipeError extends Error {
  readonly [marker] = true;
  readonly code: FramepipeErrorCode;
  readonly component: string | undefined;
  readonly stage: ErrorStage | undefined;
  readonly transient: boolean;

  constructor(options: FramepipeErrorOptions) {
    const prefix = options.component ? `[framepipe] [${options.component}] ` : "[framepipe] ";
    super(prefix + options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FramepipeError";
    this.code = options.code;
    this.component = options.component;
    this.stage = options.stage;
    this.transient = options.transient ?? false;
  }

  /** True for any framepipe error, whichever copy of the package created it. */
  static isInstance(value: unknown): value is FramepipeError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

const transientMarker = Symbol.for("framepipe.transient");

/**
 * Marks any error as transient so the runtime retries it with backoff. Plugins call this on
 * errors from their clients (e.g. an S3 503) instead of wrapping them.
 */
export function markTransient<T>(error: T): T {
  if (typeof error === "object" && error !== null) {
    (error as Record<symbol, unknown>)[transientMarker] = true;
  }
  return error;
}

/** True when an error was marked transient by {@link markTransient} or is a transient {@link FramepipeError}. */
export function isTransientError(error: unknown): boolean {
  if (FramepipeError.isInstance(error)) return error.transient;
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[transientMarker] === true;
}

/** A short, single-line description of any thrown value, for logs and summaries. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
