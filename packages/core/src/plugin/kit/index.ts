/**
 * What plugins would otherwise each write by hand: paths kept inside a root folder, and per-stream
 * NDJSON manifests. Exported from `@framepipe/core/plugin`.
 */

export { type ManifestFrameFields, manifestFieldsOf } from "./manifest-line.js";
export { InsideResolver, type ResolvedFile, resolveInside } from "./resolve-inside.js";
export { StreamManifests, type StreamManifestsOptions } from "./stream-manifests.js";
