/**
 * `@framepipe/sink-s3`: a framepipe sink that stores frames in S3 or any S3-compatible store.
 * @packageDocumentation
 */

import s3Sink from "./s3-sink.js";

/** The manifest key template used when `manifestKey` is not set (from `@framepipe/core`). */
export { defaultManifestTemplate as defaultManifestKeyTemplate } from "@framepipe/core";
export { contentTypeOf } from "./content-type.js";
export {
  CONNECTION_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  SDK_MAX_ATTEMPTS,
  s3ClientConfig,
} from "./create-s3-client.js";
export { MANIFEST_CHECKPOINT_LINES, type ManifestLine } from "./manifest-objects.js";
export {
  builtinMetadataKeys,
  decodeMetadataValue,
  encodeMetadataValue,
  frameMetadata,
  MAX_NAME_CHARACTERS,
} from "./object-metadata.js";
export { classifyS3Error, type S3Failure, type S3FailureKind } from "./s3-errors.js";
export { s3ClientService } from "./s3-sink.js";
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_KEY_TEMPLATE,
  MULTIPART_PART_SIZE,
  MULTIPART_THRESHOLD,
  type S3SinkOptions,
  type S3SinkOptionsInput,
  s3SinkOptions,
} from "./s3-sink-options.js";

export default s3Sink;
