import { S3Client } from "@aws-sdk/client-s3";
import { compilePathTemplate, defaultManifestTemplate, type PluginContext } from "@framepipe/core/plugin";
import { describeEndpoint, s3ClientConfig } from "./create-s3-client.js";
import { checkBucket } from "./healthcheck.js";
import { secretsOf } from "./s3-errors.js";
import { S3FrameSink } from "./s3-frame-sink.js";
import type { s3ClientService } from "./s3-sink.js";
import { normalisePrefix, type S3SinkOptions } from "./s3-sink-options.js";

/** Creates the sink's own client from its options. */
export function createS3Client(options: S3SinkOptions): S3Client {
  return new S3Client(s3ClientConfig(options));
}

/**
 * Opens a running `s3` sink: the injected client or one of its own, the key templates, and (with
 * `healthcheck`) a check that the bucket is there and reachable before the first frame.
 */
export async function openS3Sink(
  options: S3SinkOptions,
  context: PluginContext<{ s3Client: typeof s3ClientService }>,
): Promise<S3FrameSink> {
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
}
