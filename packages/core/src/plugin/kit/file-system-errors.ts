/**
 * What file-writing plugins (`fs`, `record`, your own) need to tell the runtime about a failed
 * system call: whether a retry may succeed, and a short, bounded label for metrics. One table for
 * all of them, so a full disk means the same thing to every sink.
 */

/**
 * Codes worth a retry. Some clear on their own in moments (EMFILE, EAGAIN, EBUSY, EINTR); the rest
 * need someone to act (ENOSPC and EDQUOT: free space; EROFS: remount after a file system error;
 * EIO: a flaky disk or network mount), which is why sinks retry them for minutes (their
 * `retryFor`), holding the frames while flow control holds the sources back, instead of dropping
 * every frame that arrives while the disk is full.
 */
const transientCodes: ReadonlySet<string> = new Set([
  "EMFILE",
  "ENFILE",
  "EAGAIN",
  "EBUSY",
  "EINTR",
  "ETIMEDOUT",
  "ENOSPC",
  "EDQUOT",
  "EROFS",
  "EIO",
]);

/** Bounded metric label values: a code outside this table counts as `other`. */
const reasonByCode: Readonly<Record<string, string>> = {
  EEXIST: "exists",
  ENOSPC: "no-space",
  EDQUOT: "no-space",
  EACCES: "permission",
  EPERM: "permission",
  EROFS: "read-only",
  ENOTDIR: "not-a-directory",
  EISDIR: "is-a-directory",
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
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * True when a file-system call that failed with `code` may succeed later without a change to the
 * config: a busy system (EMFILE, EAGAIN, EBUSY, EINTR, ETIMEDOUT), or a disk that is full (ENOSPC,
 * EDQUOT), read-only (EROFS) or failing (EIO) until someone fixes it. Mark such errors transient
 * so the runtime retries them with backoff.
 */
export function isTransientFileSystemCode(code: string | undefined): boolean {
  return code !== undefined && transientCodes.has(code);
}

/**
 * A short metric label for a file-system error code: `exists`, `no-space`, `permission`,
 * `read-only`, `not-a-directory`, `is-a-directory`, `name-too-long`, `busy`, `io`, or `other`.
 */
export function fileSystemErrorReason(code: string | undefined): string {
  return (code !== undefined && reasonByCode[code]) || "other";
}
