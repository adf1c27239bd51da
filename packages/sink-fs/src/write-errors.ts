import {
  type ErrorStage,
  FramepipeError,
  fileSystemErrorReason,
  isTransientFileSystemCode,
  systemErrorCode,
} from "@framepipe/core";

/** The file-system step that failed; it changes what an error code means (EEXIST above all). */
export type WriteStep = "mkdir" | "write" | "publish" | "manifest";

/** An error of one step of a write, before it is explained to the user. */
export class WriteStepError extends Error {
  readonly step: WriteStep;
  readonly code: string | undefined;

  constructor(step: WriteStep, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "WriteStepError";
    this.step = step;
    this.code = errorCode(cause);
  }
}

/** Runs one step, tagging what it throws with the step. */
export async function step<T>(name: WriteStep, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw error instanceof WriteStepError ? error : new WriteStepError(name, error);
  }
}

/** The `code` of a Node system error (`ENOSPC`), if any. */
export function errorCode(error: unknown): string | undefined {
  return systemErrorCode(error);
}

/** A short metric label for an error: `exists`, `no-space`, `permission`, …, or `other`. */
export function errorReason(error: unknown): string {
  return fileSystemErrorReason(error instanceof WriteStepError ? error.code : errorCode(error));
}

function explain(stepName: WriteStep, code: string | undefined, target: string, root: string): string | null {
  switch (code) {
    case "EEXIST":
      return stepName === "publish"
        ? `"${target}" already exists under ${root} (overwrite is false); the file was kept. Set overwrite: true ` +
            "to replace files, or make names unique with {seq} or {timestamp.absolute} in path"
        : `cannot create a folder for "${target}" under ${root}: a file with that name is in the way`;
    case "ENOTDIR":
      return `cannot write "${target}" under ${root}: part of its folder path is a file, not a folder`;
    case "EISDIR":
      return `cannot write "${target}" under ${root}: a folder with that name is in the way`;
    case "ENOSPC":
      return `cannot write "${target}" under ${root}: no space left on the device, retried for retryFor`;
    case "EDQUOT":
      return `cannot write "${target}" under ${root}: disk quota exceeded, retried for retryFor`;
    case "EACCES":
    case "EPERM":
      return `cannot write "${target}" under ${root}: permission denied (check the owner and mode of ${root} and its folders)`;
    case "EROFS":
      return `cannot write "${target}" under ${root}: the file system is read-only, retried for retryFor`;
    case "EIO":
      return `cannot write "${target}" under ${root}: input/output error (a failing disk or mount), retried for retryFor`;
    case "ENAMETOOLONG":
      return `cannot write "${target}" under ${root}: the path is too long for the file system (shorten the path template)`;
    case "EMFILE":
    case "ENFILE":
      return `cannot write "${target}" under ${root}: too many open files (will retry)`;
    default:
      return null;
  }
}

/** What a failed write turns into. */
export interface WriteFailure {
  /** `sink:fs#<id>`, the plugin context's `label`: the runtime then keeps the error as is. */
  readonly component: string;
  /** Path relative to the root, as rendered by the template (`rec/7-webcam/000001.png`). */
  readonly target: string;
  /** The root folder, absolute. */
  readonly root: string;
  /** Default `write`. */
  readonly stage?: ErrorStage;
}

/**
 * Explains a failed file-system step as a `SINK_WRITE_FAILED` {@link FramepipeError}: a message
 * naming the file relative to the root and what to do, the original error as `cause`, and
 * `transient` for conditions that clear on their own or once someone acts (EMFILE, EAGAIN, EBUSY;
 * ENOSPC, EDQUOT, EROFS, EIO: see `isTransientFileSystemCode`), so the runtime retries those with
 * backoff (for the sink's `retryFor`) and applies `onError` to the rest.
 */
export function toWriteError(error: unknown, failure: WriteFailure): FramepipeError {
  if (FramepipeError.isInstance(error)) return error;
  const stepName = error instanceof WriteStepError ? error.step : "write";
  const code = error instanceof WriteStepError ? error.code : errorCode(error);
  const cause = error instanceof WriteStepError ? error.cause : error;
  const explained = explain(stepName, code, failure.target, failure.root);
  const message =
    explained === null
      ? `cannot write "${failure.target}" under ${failure.root}: ${cause instanceof Error ? cause.message : String(cause)}`
      : `${explained} (${code})`;
  return new FramepipeError({
    code: "SINK_WRITE_FAILED",
    component: failure.component,
    stage: failure.stage ?? "write",
    message,
    cause,
    transient: isTransientFileSystemCode(code),
  });
}
