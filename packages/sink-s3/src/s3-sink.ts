import type { S3Client } from "@aws-sdk/client-s3";
import { createServiceRef, defineSink } from "@framepipe/core/plugin";
import { DEFAULT_CONCURRENCY, s3SinkOptions } from "./s3-sink-options.js";

/**
 * The service an embedding app (or a test) passes to use its own `S3Client`:
 * `createPipeline(config, { services: { s3Client: client } })`. The sink never destroys it.
 */
export const s3ClientService = createServiceRef<S3Client>({ id: "s3Client", optional: true });

/**
 * The `s3` sink: stores every frame as an object in S3 or an S3-compatible store (Ceph radosgw,
 * MinIO, Cloudflare R2), under a templated key, with its content type and frame metadata.
 */
const s3Sink = defineSink({
  type: "s3",
  summary: "Stores frames as objects in S3 or an S3-compatible store (Ceph, MinIO, R2), under templated keys.",
  options: s3SinkOptions,
  deps: { s3Client: s3ClientService },
  // Uploads mostly wait on the network: many in flight keep the link busy (config `concurrency:` overrides).
  concurrency: DEFAULT_CONCURRENCY,
  async create(options, context) {
    // The AWS SDK (some 20 MiB of RSS) loads only when an s3 sink is created, not for every
    // `framepipe` process that merely knows the plugin.
    const { openS3Sink } = await import("./open-s3-sink.js");
    return openS3Sink(options, context);
  },
});

export default s3Sink;
