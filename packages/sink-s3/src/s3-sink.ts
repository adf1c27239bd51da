import type { S3Client } from "@aws-sdk/client-s3";
import { compilePathTemplate, createServiceRef, defaultManifestTemplate, defineSink } from "@framepipe/core/plugin";
import { createS3Client, describeEndpoint } from "./create-s3-client.js";
import { checkBucket } from "./healthcheck.js";
import { secretsOf } from "./s3-errors.js";
import { S3FrameSink } from "./s3-frame-sink.js";
import { DEFAULT_CONCURRENCY, normalisePrefix, s3SinkOptions } from "./s3-sink-options.js";

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
    const injected = context.services.s3Client;
    const client = injected ?? createS3Client(options);
    const endpoint = describeEndpoint(options, injected !== undefined);
    const prefix = normalisePrefix(options.prefix);
    const sink = new S3FrameSink({
      client,
      ownsClient: injected === undefined,
      options,
      keyTemplate: compilePathTemplate(options.key),
      manifestTemplate: options.manifest
        ? compilePathTemplate(options.manifestKey ?? defaultManifestTemplate(options.key))
        : null,
      prefix,
      endpoint,
      context,
    });
    if (options.healthcheck) {
      try {
        const secrets = secretsOf(options.credentials);
        await checkBucket(
          client,
          { component: context.label, bucket: options.bucket, endpoint, secrets },
          context.signal,
        );
      } catch (error) {
        await sink.close();
        throw error;
      }
    }
    context.logger.debug({ bucket: options.bucket, endpoint, prefix }, "s3 sink ready");
    return sink;
  },
});

export default s3Sink;
