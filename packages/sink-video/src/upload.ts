import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { describeError, type PluginContext, type VideoFrame } from "@framepipe/core";
import { VideoPaths } from "./video-paths.js";
import type { VideoUploadOptions } from "./video-sink-options.js";

/** What the uploader needs from the sink. */
export interface UploaderSettings {
  readonly context: PluginContext;
  /** File extension of the container (`mp4`, `webm`), for `{ext}` in the key template. */
  readonly extension: string;
  readonly root: string;
  /** Appends a line to the manifest of the file's recording. */
  readonly appendManifestLine: (frame: VideoFrame, line: object) => Promise<void>;
}

/** Uploads finished files in the background; `close` waits for every upload (or its giving up). */
export interface Uploader {
  enqueue(firstFrame: VideoFrame, segment: number, path: string, file: string): void;
  close(): Promise<void>;
}

/** The manifest line of an uploaded file. */
export interface VideoUploadLine {
  readonly event: "uploaded";
  readonly file: string;
  readonly bucket: string;
  readonly key: string;
  readonly deleted: boolean;
}

const maxBackoff = 30_000;

/**
 * Uploads each finished file to S3 with the same client settings as the `s3` sink (its public
 * `s3SinkOptions` and `s3ClientConfig`: region, endpoint, path style, credentials, timeouts, SDK
 * attempts) and its error classification. Files go up as multipart uploads (`@aws-sdk/lib-storage`),
 * one after another per sink; a transient failure is retried with backoff for `retryFor`. The SDK
 * is loaded only when `upload` is configured.
 */
export function createUploader(options: VideoUploadOptions, settings: UploaderSettings): Uploader {
  const { context } = settings;
  const keys = options.key === undefined ? null : new VideoPaths(options.key, settings.extension);
  const uploads = context.metrics.counter(
    "video_sink_uploads_total",
    "Finished files uploaded to S3, by outcome (uploaded, failed).",
    ["outcome"],
  );
  const pending = new Set<Promise<void>>();
  let tail: Promise<void> = Promise.resolve();

  const client = (async () => {
    const [{ S3Client }, { Upload }, s3] = await Promise.all([
      import("@aws-sdk/client-s3"),
      import("@aws-sdk/lib-storage"),
      import("@framepipe/sink-s3"),
    ]);
    const s3Options = s3.s3SinkOptions.parse({
      bucket: options.bucket,
      region: options.region,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      healthcheck: false,
    });
    return { s3: new S3Client(s3.s3ClientConfig(s3Options)), Upload, classify: s3.classifyS3Error };
  })();
  client.catch(() => {});

  const uploadOne = async (firstFrame: VideoFrame, segment: number, path: string, file: string): Promise<void> => {
    const key = keys ? keys.render(firstFrame, segment) : file;
    const { s3, Upload, classify } = await client;
    const started = Date.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const upload = new Upload({
          client: s3,
          params: {
            Bucket: options.bucket,
            Key: key,
            Body: createReadStream(path),
            ContentType: settings.extension === "mp4" ? "video/mp4" : "video/webm",
          },
          queueSize: 2,
          partSize: 8 * 1024 * 1024,
        });
        await upload.done();
        break;
      } catch (error) {
        const failure = classify(error);
        const elapsed = Date.now() - started;
        if (!failure.transient || elapsed >= options.retryFor || context.signal.aborted) {
          uploads.inc({ outcome: "failed" });
          context.logger.error(
            { file, bucket: options.bucket, key, attempts: attempt, error: describeError(error) },
            "video upload failed for good: the local file stays",
          );
          return;
        }
        await sleep(Math.min(maxBackoff, 500 * 2 ** (attempt - 1)), undefined, { ref: false }).catch(() => {});
      }
    }
    uploads.inc({ outcome: "uploaded" });
    if (options.deleteAfterUpload) await rm(path, { force: true });
    const line: VideoUploadLine = {
      event: "uploaded",
      file,
      bucket: options.bucket,
      key,
      deleted: options.deleteAfterUpload,
    };
    context.logger.info({ ...line }, "video file uploaded");
    await settings.appendManifestLine(firstFrame, line);
  };

  return {
    enqueue(firstFrame, segment, path, file) {
      const run = tail.then(() => uploadOne(firstFrame, segment, path, file));
      const settled = run.catch((error: unknown) => {
        uploads.inc({ outcome: "failed" });
        context.logger.error({ file, error: describeError(error) }, "video upload failed: the local file stays");
      });
      tail = settled;
      pending.add(settled);
      settled.then(() => pending.delete(settled));
    },
    async close() {
      await Promise.all([...pending]);
      const created = await client.catch(() => null);
      created?.s3.destroy();
    },
  };
}
