import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { type ErrorStage, streamKeyOfFrame } from "@framepipe/core";
import type {
  CounterHandle,
  GaugeHandle,
  GroupInfo,
  HistogramHandle,
  PathTemplate,
  PluginContext,
  SinkInstance,
  StreamInfo,
  StreamKey,
  StreamManifests,
  VideoFrame,
} from "@framepipe/core/plugin";
import { MAX_CONTINUED_STREAMS, SeqContinuation } from "@framepipe/core/plugin";
import { contentTypeOf } from "./content-type.js";
import { createManifestObjects, type ManifestStore } from "./manifest-objects.js";
import { frameMetadata } from "./object-metadata.js";
import { classifyS3Error, type S3CallSite, s3SinkError, secretsOf } from "./s3-errors.js";
import { MULTIPART_PART_SIZE, MULTIPART_THRESHOLD, type S3SinkOptions } from "./s3-sink-options.js";
import { UploadSlots } from "./upload-slots.js";

/** Latency buckets of `framepipe_s3_upload_seconds`. */
const uploadBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Everything an {@link S3FrameSink} needs, resolved by the plugin's `create`. */
export interface S3FrameSinkSettings {
  readonly client: S3Client;
  /** True when the sink created the client (it then destroys it on close); false for an injected one. */
  readonly ownsClient: boolean;
  readonly options: S3SinkOptions;
  readonly keyTemplate: PathTemplate;
  /** Null when `manifest` is off. */
  readonly manifestTemplate: PathTemplate | null;
  /** Normalised prefix: `""` or ending with `/`. */
  readonly prefix: string;
  /** For messages: the endpoint URL, `AWS S3 (region)` or the injected client. */
  readonly endpoint: string;
  /** The plugin's context: its label and error factory, logger, metrics, and the signal that aborts uploads. */
  readonly context: PluginContext;
}

/** Raised by the manifest store with the S3 operation that failed; converted per stage by the sink. */
class ManifestStoreError extends Error {
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super(`${operation} failed`, { cause });
    this.operation = operation;
  }
}

/**
 * The running `s3` sink: each `write` stores one object and resolves once S3 confirmed it, with
 * at most `context.concurrency` uploads in flight inside the sink, manifests included (the runtime
 * runs that many writes at once, each stream's in order). Failures become `FramepipeError`s that name bucket, key and endpoint, and
 * are transient when a retry may succeed, so the framework's backoff handles throttling.
 */
export class S3FrameSink implements SinkInstance {
  /** How long the runtime retries transient upload failures (the `retryFor` option). */
  readonly retryFor: number;
  readonly #settings: S3FrameSinkSettings;
  readonly #slots: UploadSlots;
  readonly #manifests: StreamManifests<string> | null;
  readonly #checkpoints = new Set<Promise<void>>();
  readonly #secrets: readonly string[];
  readonly #inFlight: GaugeHandle;
  readonly #uploadSeconds: HistogramHandle;
  readonly #failures: CounterHandle;
  /**
   * Null with `overwrite: true`, without `{seq}` in the key template, or once HeadObject was
   * denied (write-only credentials).
   */
  #continuation: SeqContinuation | null;
  /** Streams whose first key this run was checked (insertion order: the oldest is forgotten first). */
  readonly #checkedStreams = new Set<StreamKey>();
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(settings: S3FrameSinkSettings) {
    this.#settings = settings;
    this.retryFor = settings.options.retryFor;
    this.#slots = new UploadSlots(settings.context.concurrency);
    this.#secrets = secretsOf(settings.options.credentials);
    this.#manifests =
      settings.manifestTemplate === null
        ? null
        : createManifestObjects(settings.manifestTemplate, settings.prefix, this.#manifestStore());
    this.#inFlight = settings.context.metrics.gauge("s3_uploads_in_flight", "S3 uploads in flight.");
    this.#uploadSeconds = settings.context.metrics.histogram(
      "s3_upload_seconds",
      "Seconds per S3 upload, successful or not.",
      [],
      uploadBuckets,
    );
    this.#failures = settings.context.metrics.counter(
      "s3_upload_failures_total",
      "Failed S3 uploads, by kind of failure.",
      ["kind"],
    );
    this.#continuation = settings.options.overwrite ? null : this.#createContinuation();
  }

  /** Uploads running or waiting for a slot. */
  get pendingUploads(): number {
    return this.#slots.active + this.#slots.waiting;
  }

  async write(frame: VideoFrame): Promise<void> {
    if (this.#closing) {
      throw this.#settings.context.error("write after close: the sink no longer accepts frames", { stage: "write" });
    }
    // The check of a stream's first key takes an upload slot too: `concurrency` bounds every request.
    const { numbered, key } = await this.#slots.run(async () => {
      const numbered = await this.#numbered(frame);
      const key = this.#settings.prefix + this.#settings.keyTemplate.render(numbered);
      await this.#upload(frame, key);
      return { numbered, key };
    });
    const checkpoint = this.#manifests?.add(numbered, key);
    if (checkpoint) this.#track(checkpoint);
  }

  /**
   * The frame under its stream's numbering. The first frame of a stream in this run checks its
   * key: an earlier run's object there moves the stream past the objects already stored (found by
   * probing keys, O(log N) HeadObjects, once), so a restart never replaces them. Later frames of
   * the stream reuse the offset without a request.
   */
  async #numbered(frame: VideoFrame): Promise<VideoFrame> {
    const continuation = this.#continuation;
    if (continuation === null) return frame;
    const numbered = continuation.numbered(frame);
    const stream = streamKeyOfFrame(frame);
    if (this.#checkedStreams.has(stream)) return numbered;
    if (this.#checkedStreams.size >= MAX_CONTINUED_STREAMS) {
      const oldest = this.#checkedStreams.values().next();
      if (!oldest.done) this.#checkedStreams.delete(oldest.value);
    }
    const key = this.#settings.keyTemplate.render(numbered);
    if (!(await this.#objectExists(key))) {
      this.#checkedStreams.add(stream);
      return numbered;
    }
    const continued = await continuation.continueAfter(frame, numbered);
    this.#checkedStreams.add(stream);
    return continued;
  }

  #createContinuation(): SeqContinuation | null {
    const { keyTemplate, context } = this.#settings;
    const continuations = context.metrics.counter(
      "s3_sink_seq_continuations_total",
      "Times a stream's {seq} numbering moved past objects an earlier run stored (a restart in the middle of a recording).",
    );
    const continuation = new SeqContinuation({
      template: keyTemplate,
      exists: (key) => this.#objectExists(key),
      onContinued: ({ frame, seq }) => {
        continuations.inc();
        const details = {
          recordingId: frame.recording.id,
          participantId: frame.participant.id,
          type: frame.type,
          seq,
          frameSeq: frame.seq,
        };
        context.logger.info(details, `stream continues at seq ${seq} after a restart: earlier objects exist`);
      },
    });
    return continuation.enabled ? continuation : null;
  }

  /** Whether an object exists at `key` (under the prefix): HeadObject, false on 404. */
  async #objectExists(key: string): Promise<boolean> {
    const { client, options, prefix, context } = this.#settings;
    const fullKey = prefix + key;
    try {
      await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: fullKey }), {
        abortSignal: context.signal,
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      if (statusOf(error) === 403) {
        // Write-only credentials (s3:PutObject without s3:GetObject) cannot check keys. A wrong
        // secret is also refused with 403, and its PutObject then fails with the real reason.
        this.#continuation = null;
        context.logger.warn(
          { bucket: options.bucket, key: fullKey },
          "cannot check keys before writing (HeadObject denied: the credentials lack s3:GetObject); a restart in the " +
            "middle of a recording may replace objects stored under the same keys. Grant s3:GetObject, or set " +
            "overwrite: true to say that is intended",
        );
        return false;
      }
      this.#failures.inc({ kind: classifyS3Error(error).kind });
      throw s3SinkError(error, this.#site("write", `HeadObject "${fullKey}"`));
    }
  }

  async endStream(stream: StreamInfo): Promise<void> {
    await this.#manifestStep("end-stream", () => this.#manifests?.endStream(stream.key));
  }

  async endGroup(group: GroupInfo): Promise<void> {
    await this.#manifestStep("end-group", () => this.#manifests?.endGroup(group.key));
  }

  /** Waits for uploads in flight (each write already resolves only once stored) and saves manifests. */
  async flush(): Promise<void> {
    await this.#slots.idle();
    await this.#manifestStep("flush", () => this.#manifests?.flush());
  }

  /** Waits for uploads in flight, saves open manifests, then destroys the client it created. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    try {
      await this.#slots.idle();
      await Promise.allSettled([...this.#checkpoints]);
      await this.#manifestStep("close", () => this.#manifests?.flush());
    } finally {
      if (this.#settings.ownsClient) this.#settings.client.destroy();
    }
  }

  #commonParameters(): Omit<PutObjectCommandInput, "Bucket" | "Key" | "Body"> {
    const { options } = this.#settings;
    return {
      ...(options.storageClass === undefined
        ? {}
        : { StorageClass: options.storageClass as PutObjectCommandInput["StorageClass"] }),
      ...(options.serverSideEncryption === undefined ? {} : { ServerSideEncryption: options.serverSideEncryption }),
      ...(options.sseKmsKeyId === undefined ? {} : { SSEKMSKeyId: options.sseKmsKeyId }),
    };
  }

  async #upload(frame: VideoFrame, key: string): Promise<void> {
    const { client, options } = this.#settings;
    const { signal } = this.#settings.context;
    const data = frame.image.data;
    const input: PutObjectCommandInput = {
      Bucket: options.bucket,
      Key: key,
      Body: data,
      ContentType: contentTypeOf(frame.image.format),
      Metadata: frameMetadata(frame, options.metadata),
      ...(options.cacheControl === undefined ? {} : { CacheControl: options.cacheControl }),
      ...this.#commonParameters(),
    };
    const started = performance.now();
    this.#inFlight.inc();
    try {
      if (data.byteLength >= MULTIPART_THRESHOLD) await this.#multipartUpload(input);
      else await client.send(new PutObjectCommand(input), { abortSignal: signal });
    } catch (error) {
      this.#failures.inc({ kind: classifyS3Error(error).kind });
      throw s3SinkError(error, this.#site("write", `PutObject "${key}"`));
    } finally {
      this.#inFlight.dec();
      this.#uploadSeconds.observe((performance.now() - started) / 1000);
    }
  }

  async #multipartUpload(input: PutObjectCommandInput): Promise<void> {
    const { client } = this.#settings;
    const { signal } = this.#settings.context;
    const upload = new Upload({ client, params: input, partSize: MULTIPART_PART_SIZE, queueSize: 4 });
    const abort = () => void upload.abort().catch(() => {});
    signal.addEventListener("abort", abort, { once: true });
    try {
      await upload.done();
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  #site(stage: ErrorStage, operation: string): S3CallSite {
    return {
      component: this.#settings.context.label,
      stage,
      operation,
      bucket: this.#settings.options.bucket,
      endpoint: this.#settings.endpoint,
      secrets: this.#secrets,
    };
  }

  async #manifestStep(stage: ErrorStage, step: () => Promise<void> | undefined): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (error instanceof ManifestStoreError) throw s3SinkError(error.cause, this.#site(stage, error.operation));
      throw s3SinkError(error, this.#site(stage, "manifest save"));
    }
  }

  #track(checkpoint: Promise<void>): void {
    const tracked = checkpoint.catch((error: unknown) => {
      // The lines stay buffered: the stream's end (or flush/close) saves them again and reports.
      const operation = error instanceof ManifestStoreError ? error.operation : "manifest save";
      this.#settings.context.logger.warn(
        { operation },
        "manifest checkpoint failed; it is retried when the stream ends",
      );
    });
    this.#checkpoints.add(tracked);
    void tracked.then(() => this.#checkpoints.delete(tracked));
  }

  #manifestStore(): ManifestStore {
    const { client, options } = this.#settings;
    const { signal, logger } = this.#settings.context;
    return {
      read: async (key) => {
        try {
          const answer = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }), {
            abortSignal: signal,
          });
          return (await answer.Body?.transformToString("utf-8")) ?? "";
        } catch (error) {
          const failure = classifyS3Error(error);
          if (failure.code === "NoSuchKey" || failure.status === 404) return "";
          throw new ManifestStoreError(`GetObject "${key}" (manifest)`, error);
        }
      },
      write: async (key, body) => {
        try {
          await client.send(
            new PutObjectCommand({
              Bucket: options.bucket,
              Key: key,
              Body: body,
              ContentType: "application/x-ndjson; charset=utf-8",
              ...this.#commonParameters(),
            }),
            { abortSignal: signal },
          );
        } catch (error) {
          throw new ManifestStoreError(`PutObject "${key}" (manifest)`, error);
        }
      },
      dropped: (lines, key) => logger.warn({ lines, key }, "manifest lines dropped: saving the manifest keeps failing"),
    };
  }
}

/** The HTTP status of an S3 error answer (HeadObject's have no body, so the status is all there is). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}
