import {
  compilePathTemplate,
  durationSchema,
  pathTemplateFieldList,
  pathTemplateSchema,
  STREAM_TEMPLATE_FIELDS,
  secret,
} from "@framepipe/core/plugin";
import { z } from "zod";
import { builtinMetadataKeys } from "./object-metadata.js";

/** The default `key` template: one folder per recording, one per stream inside it. */
export const DEFAULT_KEY_TEMPLATE = "{recording.id}/{participant.id}-{type}/{seq}.{ext}";

/** Default number of uploads in flight inside one sink. */
export const DEFAULT_CONCURRENCY = 16;

/** Frames at least this large go up as a multipart upload (lib-storage), smaller ones with one PutObject. */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;

/** Part size of multipart uploads. */
export const MULTIPART_PART_SIZE = 8 * 1024 * 1024;

/** S3 user metadata keys: sent as `x-amz-meta-<key>` headers, so an HTTP token, lowercase. */
const metadataKeyPattern = /^[a-z0-9][a-z0-9._-]*$/;

const credentialsSchema = z
  .strictObject({
    accessKeyId: secret(z.string().min(1)).describe("Access key id."),
    secretAccessKey: secret(z.string().min(1)).describe("Secret access key."),
    sessionToken: secret(z.string().min(1)).optional().describe("Session token of temporary credentials."),
  })
  .describe(
    "Explicit credentials (never printed). Default: the AWS SDK's provider chain (AWS_ACCESS_KEY_ID / " +
      "AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, web identity, container and instance roles).",
  );

const s3SinkObject = z.strictObject({
  bucket: z.string().min(1).describe("Bucket the frames are stored in. It must exist (see healthcheck)."),
  key: pathTemplateSchema
    .default(DEFAULT_KEY_TEMPLATE)
    .describe(
      `Object key of each frame, a template with "/" for folders and the placeholders ${pathTemplateFieldList}; ` +
        '"{field|fallback}" replaces a missing or empty value (default "unknown"). Substituted values are made safe single path segments.',
    ),
  prefix: z
    .string()
    .regex(/^[^\\]*$/, "use / to separate folders, not \\")
    .refine((prefix) => !prefix.split("/").some((part) => part === "." || part === ".."), {
      message: 'a prefix must not contain "." or ".." segments',
    })
    .optional()
    .describe('Fixed text put before every key (and manifest key), e.g. "archive/2026/". A "/" is added when missing.'),
  region: z.string().min(1).default("us-east-1").describe("Region used for signing requests."),
  endpoint: z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
    .optional()
    .describe(
      "URL of an S3-compatible store, e.g. http://127.0.0.1:7480 (Ceph radosgw), http://minio:9000 (MinIO), " +
        "https://<account>.r2.cloudflarestorage.com (Cloudflare R2). Default: AWS S3 of the region.",
    ),
  forcePathStyle: z
    .boolean()
    .optional()
    .describe(
      "Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint>. Default: true when endpoint is set, false for AWS.",
    ),
  credentials: credentialsSchema.optional(),
  metadata: z
    .record(
      z.string().regex(metadataKeyPattern, "metadata keys use lowercase letters, digits, '.', '_' and '-'"),
      z.string(),
    )
    .default({})
    .describe(
      "Extra user metadata stored with every object (x-amz-meta-<key>). Non-ASCII values are RFC 2047 encoded.",
    ),
  storageClass: z
    .string()
    .regex(/^[A-Z0-9_]+$/, "expected a storage class such as STANDARD, STANDARD_IA or INTELLIGENT_TIERING")
    .optional()
    .describe(
      "Storage class of the objects (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, …). Default: the bucket's.",
    ),
  serverSideEncryption: z
    .enum(["AES256", "aws:kms", "aws:kms:dsse"])
    .optional()
    .describe("Server-side encryption of the objects. Default: the bucket's."),
  sseKmsKeyId: z
    .string()
    .min(1)
    .optional()
    .describe("KMS key id or ARN, with serverSideEncryption aws:kms or aws:kms:dsse."),
  cacheControl: z
    .string()
    .min(1)
    .optional()
    .describe('Cache-Control of the objects, e.g. "max-age=31536000, immutable".'),
  overwrite: z
    .boolean()
    .default(false)
    .describe(
      "Replace objects an earlier run stored under the same keys. false: the first frame of each stream checks its key " +
        "(HeadObject, once per stream and run); when it exists (framepipe restarted in the middle of a recording, and ingest " +
        "counts {seq} from 0 again), the stream's numbering continues after the objects already there. Needs {seq} in key.",
    ),
  manifest: z
    .boolean()
    .default(false)
    .describe(
      "Also write an NDJSON index object per stream (one line per stored frame: key, seq, timestamps, size, format, participant name), " +
        "when the stream ends.",
    ),
  manifestKey: pathTemplateSchema
    .optional()
    .describe(
      "Key of each stream's manifest, a template rendered with the stream's first frame; it must use {recording.id}, " +
        "{participant.id} and {type}. Default: manifest.ndjson beside the frames (in the folder of the key template).",
    ),
  retryFor: durationSchema({ allowZero: true })
    .prefault("5m")
    .describe(
      "How long the sink keeps retrying uploads that fail with a condition that may clear (throttling, 5xx answers, " +
        "timeouts, an unreachable store), with backoff, counted from its first failure (e.g. 30s, 5m). Meanwhile frames " +
        "are held, so under overflow: block the sources are paused instead of frames dropped, and /ready answers 503. " +
        "Once the sink has failed for longer, each failing frame goes to onError at once until an upload succeeds again. " +
        "0: five attempts per frame.",
    ),
  healthcheck: z
    .boolean()
    .default(true)
    .describe(
      "Check the bucket with HeadBucket when the sink is created and fail fast when it is missing, access is denied or the " +
        "endpoint is unreachable. HeadBucket needs s3:ListBucket: turn this off for write-only credentials.",
    ),
});

/**
 * Options of the `s3` sink (a `z.strictObject`, every field described). Also checks that user
 * metadata does not shadow the metadata the sink writes, that a custom `manifestKey` identifies
 * its stream, and that `sseKmsKeyId` comes with KMS encryption.
 */
export const s3SinkOptions = s3SinkObject.superRefine((options, context) => {
  for (const key of Object.keys(options.metadata)) {
    if (builtinMetadataKeys.includes(key)) {
      context.addIssue({
        code: "custom",
        path: ["metadata", key],
        message: `"${key}" is written by the sink itself; choose another name`,
      });
    }
  }
  if (options.sseKmsKeyId !== undefined && !options.serverSideEncryption?.startsWith("aws:kms")) {
    context.addIssue({
      code: "custom",
      path: ["sseKmsKeyId"],
      message: 'sseKmsKeyId needs serverSideEncryption "aws:kms" or "aws:kms:dsse"',
    });
  }
  if (options.manifestKey === undefined) return;
  let fields: readonly string[];
  try {
    fields = compilePathTemplate(options.manifestKey).fields;
  } catch {
    return; // the field's own schema reports template problems
  }
  const missing = STREAM_TEMPLATE_FIELDS.filter((field) => !fields.includes(field));
  if (missing.length > 0) {
    context.addIssue({
      code: "custom",
      path: ["manifestKey"],
      message: `a manifest key must identify its stream; add ${missing.map((field) => `{${field}}`).join(", ")}`,
    });
  }
});

/** Options of the `s3` sink as written in a config. */
export type S3SinkOptionsInput = z.input<typeof s3SinkOptions>;

/** Options of the `s3` sink after validation and defaults. */
export type S3SinkOptions = z.output<typeof s3SinkOptions>;

/** `prefix` as put before keys: no leading `/`, one trailing `/`, or `""`. */
export function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? "").replace(/^\/+/, "").replace(/\/+/g, "/");
  if (trimmed === "") return "";
  return trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}
