import { FramepipeError } from "@framepipe/core/plugin";

/** Codes worth a retry: the condition usually clears on its own. */
const transientCodes = new Set(["EMFILE", "ENFILE", "EAGAIN", "EBUSY", "EINTR", "ETIMEDOUT"]);

/** Bounded metric label values; a code outside this set counts as `other`. */
const reasonByCode: Readonly<Record<string, string>> = {
  ENOSPC: "no-space",
  EDQUOT: "no-space",
  EACCES: "permission",
  EPERM: "permission",
  EROFS: "read-only",
  ENOTDIR: "not-a-directory",
  EISDIR: "is-a-directory",
  EEXIST: "not-a-directory",
  ENAMETOOLONG: "name-too-long",
  EMFILE: "busy",
  ENFILE: "busy",
  EAGAIN: "busy",
  EBUSY: "busy",
  EINTR: "busy",
  ETIMEDOUT: "busy",
  EIO: "io",
};

/** The `code` of a Node system error (`ENOSPC`), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A short metric label for a file-system error: `no-space`, `permission`, …, or `other`. */
export function errorReason(error: unknown): string {
  const code = errorCode(error);
  return (code && reasonByCode[code]) || "other";
}

/**
 * A failed append as a `SINK_WRITE_FAILED` {@link FramepipeError} naming the file relative to the
 * root, the system error as `cause`, transient for conditions that clear on their own.
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
  const code = errorCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new FramepipeError({
    code: "SINK_WRITE_FAILED",
    component: details.component,
    stage: details.stage,
    message: `cannot append to "${details.target}" under ${details.root}: ${reason}`,
    cause: error,
    transient: code !== undefined && transientCodes.has(code),
  });
}
