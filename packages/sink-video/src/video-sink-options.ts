import { durationSchema, pathTemplateFieldList, pathTemplateSchema, secret } from "@framepipe/core/plugin";
import { z } from "zod";

/** The default `path`: one file per stream, webcam and screenshare apart. */
export const DEFAULT_PATH_TEMPLATE = "{recording.id}/{participant.id}-{type}.{ext}";

/** The default `manifestPath`: one NDJSON line per finished file, one manifest per recording. */
export const DEFAULT_MANIFEST_PATH = "{recording.id}/videos.ndjson";

/** Default `maxEncoders`: one libx264 encoder holds about 82 MB, so 32 of them about 2.6 GB. */
export const DEFAULT_MAX_ENCODERS = 32;

/** The codecs by container. */
export const CODECS_BY_FORMAT = { mp4: ["h264"], webm: ["vp9", "vp8"] } as const;

/** Default CRF by codec: visually fine for meeting video at small sizes, small files. */
export const DEFAULT_CRF = { h264: 28, vp9: 40, vp8: 20 } as const;

/** The placeholder of the segment number, on top of the core template fields. */
export const SEGMENT_FIELD = "{segment}";

const segmentFieldPattern = /(?<!\{)\{segment\}(?!\})/g;

/** A path template with `{segment}` (and the core fields): `{segment}` is checked as a plain value. */
const videoPathTemplateSchema = z.string().superRefine((template, context) => {
  const checked = pathTemplateSchema.safeParse(template.replace(segmentFieldPattern, "000"));
  if (!checked.success)
    for (const issue of checked.error.issues) context.addIssue({ code: "custom", message: issue.message });
});

/** Replaces `{segment}` by a three-digit number (`000`, `001`, …); the rest stays a core template. */
export function withSegmentNumber(template: string, segment: number): string {
  return template.replace(segmentFieldPattern, String(segment).padStart(3, "0"));
}

/** True when the template numbers its segments itself. */
export function usesSegmentField(template: string): boolean {
  return template.replace(segmentFieldPattern, "\u0000").includes("\u0000");
}

const uploadOptions = z.strictObject({
  bucket: z.string().min(1).describe("Bucket the finished files are uploaded to. It must exist."),
  key: videoPathTemplateSchema
    .optional()
    .describe(
      "Object key of each finished file, a template like path ({segment} included). Default: the file's path under dir.",
    ),
  region: z.string().min(1).default("us-east-1").describe("Region used for signing requests."),
  endpoint: z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
    .optional()
    .describe(
      "URL of an S3-compatible store, e.g. http://127.0.0.1:7480 (Ceph radosgw). Default: AWS S3 of the region.",
    ),
  forcePathStyle: z
    .boolean()
    .optional()
    .describe("Address buckets as <endpoint>/<bucket>. Default: true when endpoint is set, false for AWS."),
  credentials: z
    .strictObject({
      accessKeyId: secret(z.string().min(1)).describe("Access key id."),
      secretAccessKey: secret(z.string().min(1)).describe("Secret access key."),
      sessionToken: secret(z.string().min(1)).optional().describe("Session token of temporary credentials."),
    })
    .optional()
    .describe("Explicit credentials (never printed). Default: the AWS SDK's provider chain, as for the s3 sink."),
  deleteAfterUpload: z
    .boolean()
    .default(false)
    .describe("Remove the local file once its upload succeeded (the manifest line keeps its key)."),
  retryFor: durationSchema({ allowZero: true })
    .prefault("5m")
    .describe(
      "How long a failing upload is retried, with backoff (at most 30 s apart), before it is given up: counted and logged; the local file stays.",
    ),
});

const videoSinkObject = z.strictObject({
  dir: z
    .string()
    .min(1)
    .describe(
      "Root folder of the videos, created when missing. A relative path resolves against the working directory of " +
        "the process. Nothing is ever written outside it.",
    ),
  path: videoPathTemplateSchema
    .default(DEFAULT_PATH_TEMPLATE)
    .describe(
      `File of each stream under dir, a template with "/" for folders and the placeholders ${pathTemplateFieldList} ` +
        "(fields of the stream's first frame of the file; {ext} is mp4 or webm), plus {segment} (000, 001, …). " +
        "Substituted values are made safe single path segments. A file that exists is never replaced: the sink moves " +
        'on to the next segment number, inserted before the extension (".001.mp4") when the template has no {segment}.',
    ),
  format: z.enum(["mp4", "webm"]).default("mp4").describe("Container: mp4 (H.264) or webm (VP9 or VP8)."),
  codec: z
    .enum(["h264", "vp9", "vp8"])
    .optional()
    .describe("Video codec: h264 for mp4; vp9 (default) or vp8 for webm."),
  fps: z
    .number()
    .positive()
    .max(60)
    .default(2)
    .describe(
      "Frames per second of the output. Each frame is placed by its timestamp.relative on this clock, gaps are filled " +
        "(see gap), frames that arrive faster are dropped. Recall sends about 2 frames per second.",
    ),
  width: z
    .int()
    .positive()
    .optional()
    .describe("Output width; with height. Default: the stream's first frame (rounded up to even)."),
  height: z
    .int()
    .positive()
    .optional()
    .describe("Output height; with width. Frames of another size are scaled to fit and padded, never refused."),
  gap: z
    .enum(["repeat", "black"])
    .default("repeat")
    .describe("What fills a gap between frames, up to maxGap: the last frame repeated, or black frames."),
  maxGap: durationSchema()
    .prefault("10s")
    .describe("A longer gap between two frames of a stream ends its file; the next frame starts a new segment."),
  segment: durationSchema({ allowZero: true })
    .prefault(0)
    .describe(
      "Longest file (e.g. 10m): then the file is finished and the next frame starts the next segment. 0: no limit.",
    ),
  crf: z
    .int()
    .min(0)
    .max(63)
    .optional()
    .describe(
      `Constant quality, lower is better and larger. Default h264 ${DEFAULT_CRF.h264}, vp9 ${DEFAULT_CRF.vp9}, vp8 ${DEFAULT_CRF.vp8}.`,
    ),
  bitrate: z
    .string()
    .regex(/^[1-9][0-9]*[kKmM]?$/, 'expected a bitrate such as "300k" or "2M"')
    .optional()
    .describe('Target bitrate (e.g. "300k") instead of constant quality (crf is then ignored).'),
  preset: z
    .enum(["ultrafast", "superfast", "veryfast", "faster", "fast", "medium"])
    .default("veryfast")
    .describe(
      "libx264 preset (h264 only): slower presets compress better for more CPU. VP9/VP8 always use realtime settings.",
    ),
  keyframeInterval: durationSchema()
    .prefault("10s")
    .describe(
      "Longest time between key frames. Files are fragmented every second regardless, so a crash loses at most about a second.",
    ),
  threads: z.int().positive().max(16).default(1).describe("Threads per encoder. 1 suits many encoders on few cores."),
  maxEncoders: z
    .int()
    .positive()
    .default(DEFAULT_MAX_ENCODERS)
    .describe(
      "Most ffmpeg processes at once (one per stream, about 82 MB each for H.264). Opening one more first finishes the " +
        "file of the least recently written idle stream; that stream continues in a new segment with its next frame.",
    ),
  manifest: z
    .boolean()
    .default(true)
    .describe(
      "Append one NDJSON line per finished file to manifestPath: stream, first/last timestamps, frames in, filled and " +
        "dropped, bytes and sha256.",
    ),
  manifestPath: pathTemplateSchema
    .default(DEFAULT_MANIFEST_PATH)
    .describe("Manifest file under dir, a template rendered with the file's first frame."),
  ffmpegPath: z
    .string()
    .min(1)
    .optional()
    .describe('The ffmpeg executable. Default: $FFMPEG_PATH, else "ffmpeg" on PATH (Debian: apt-get install ffmpeg).'),
  upload: uploadOptions
    .optional()
    .describe(
      "Upload each finished file to S3 (or an S3-compatible store): bucket, key template, endpoint, region, credentials.",
    ),
});

/**
 * Options of the `video` sink (a `z.strictObject`, every field described). Checks that the codec
 * fits the container and that width and height come together.
 */
export const videoSinkOptions = videoSinkObject.superRefine((options, context) => {
  if (options.codec !== undefined && !(CODECS_BY_FORMAT[options.format] as readonly string[]).includes(options.codec)) {
    context.addIssue({
      code: "custom",
      path: ["codec"],
      input: options.codec,
      message: `codec ${options.codec} does not go in ${options.format}: use ${CODECS_BY_FORMAT[options.format].join(" or ")}`,
    });
  }
  if ((options.width === undefined) !== (options.height === undefined)) {
    context.addIssue({
      code: "custom",
      path: [options.width === undefined ? "width" : "height"],
      input: undefined,
      message: "give width and height together",
    });
  }
});

/** Options of the `video` sink as written in a config. */
export type VideoSinkOptionsInput = z.input<typeof videoSinkOptions>;

/** Options of the `video` sink after validation and defaults (durations in milliseconds). */
export type VideoSinkOptions = z.output<typeof videoSinkOptions>;

/** Options of `upload` after validation. */
export type VideoUploadOptions = NonNullable<VideoSinkOptions["upload"]>;

/** The codec in effect. */
export function effectiveCodec(options: Pick<VideoSinkOptions, "format" | "codec">): "h264" | "vp9" | "vp8" {
  return options.codec ?? (options.format === "mp4" ? "h264" : "vp9");
}
