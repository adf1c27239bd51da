import {
  FramepipeError,
  fileSystemErrorReason,
  isTransientFileSystemCode,
  systemErrorCode,
} from "@framepipe/core/plugin";

/** The `code` of a Node system error (`ENOSPC`), if any. */
export function errorCode(error: unknown): string | undefined {
  return systemErrorCode(error);
}

/** A short metric label for a file-system error: `no-space`, `permission`, …, or `other`. */
export function errorReason(error: unknown): string {
  const code = errorCode(error);
  // Appending never meets an existing file: EEXIST here comes from a file in the way of a folder.
  return code === "EEXIST" ? "not-a-directory" : fileSystemErrorReason(code);
}

/**
 * A failed append as a `SINK_WRITE_FAILED` {@link FramepipeError} naming the file relative to the
 * root, the system error as `cause`, transient for conditions that clear on their own or once
 * someone acts (a busy system; a full, read-only or failing disk: see `isTransientFileSystemCode`),
 * which the runtime retries for the sink's `retryFor`.
 */
export function toRecordError(
  error: unknown,
  details: {
    readonly component: string;
    readonly target: string;
    readonly root: string;
    readonly stage: "write" | "end-group" | "flush" | "close";
  },
): FramepipeError {
  if (FramepipeError.isInstance(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new FramepipeError({
    code: "SINK_WRITE_FAILED",
    component: details.component,
    stage: details.stage,
    message: `cannot append to "${details.target}" under ${details.root}: ${reason}`,
    cause: error,
    transient: isTransientFileSystemCode(errorCode(error)),
  });
}
