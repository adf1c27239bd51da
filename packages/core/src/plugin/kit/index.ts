/**
 * What plugins would otherwise each write by hand: paths kept inside a root folder, per-stream
 * NDJSON manifests, what a failed file-system call means, and `{seq}` numbering that continues
 * after an earlier run's files or objects. Exported from `@framepipe/core/plugin`.
 */

export { fileSystemErrorReason, isTransientFileSystemCode, systemErrorCode } from "./file-system-errors.js";
export { makeDirectory } from "./make-directory.js";
export { type ManifestFrameFields, manifestFieldsOf } from "./manifest-line.js";
export { InsideResolver, type ResolvedFile, resolveInside } from "./resolve-inside.js";
export {
  MAX_CONTINUED_STREAMS,
  nextFreeSeq,
  SeqContinuation,
  type SeqContinuationOptions,
  type SeqContinued,
} from "./seq-continuation.js";
export { StreamManifests, type StreamManifestsOptions } from "./stream-manifests.js";
