import { durationSchema, pathTemplateFieldList, pathTemplateSchema } from "@framepipe/core/plugin";
import { z } from "zod";

/** The default `path`: one file per recording (a recording belongs to one bot). */
export const DEFAULT_PATH_TEMPLATE = "{recording.id}.ndjson";

/** The default `path` with `gzip: true`. */
export const DEFAULT_GZIP_PATH_TEMPLATE = "{recording.id}.ndjson.gz";

/** Default `maxOpenFiles`. */
export const DEFAULT_MAX_OPEN_FILES = 64;

/** Default `retryFor`: the same as the `fs` sink's, time for someone to free a full disk. */
export const DEFAULT_RETRY_FOR = "5m";

/** Options of the `record` sink (a `z.strictObject`, every field described). */
export const recordSinkOptions = z.strictObject({
  dir: z
    .string()
    .min(1)
    .describe(
      "Root folder of the recordings, created when missing. A relative path resolves against the working " +
        "directory of the process. Nothing is ever written outside it.",
    ),
  path: pathTemplateSchema
    .optional()
    .describe(
      `File of each frame under dir, a template with "/" for folders and the placeholders ${pathTemplateFieldList}. ` +
        `Frames rendering the same path share one file, one message per line. Default "${DEFAULT_PATH_TEMPLATE}" ` +
        `("${DEFAULT_GZIP_PATH_TEMPLATE}" with gzip). Substituted values are made safe single path segments.`,
    ),
  gzip: z
    .boolean()
    .default(false)
    .describe(
      "Compress each file with gzip while writing (every line is sync-flushed, so a crash leaves a readable prefix). " +
        "base64 PNG shrinks by about a quarter.",
    ),
  maxOpenFiles: z
    .int()
    .positive()
    .default(DEFAULT_MAX_OPEN_FILES)
    .describe(
      "Most files open at once. Beyond it the least recently written file is closed (and reopened for appending " +
        "when a frame needs it again). Files also close when every participant that wrote to them has left or gone idle.",
    ),
  retryFor: durationSchema({ allowZero: true })
    .prefault(DEFAULT_RETRY_FOR)
    .describe(
      "How long the sink keeps retrying appends that fail with a condition that may clear (no space left, quota exceeded, " +
        "a read-only or failing disk, too many open files), with backoff, counted from its first failure (e.g. 30s, 5m). " +
        "Meanwhile frames are held, so under overflow: block the sources are paused instead of frames dropped, and /ready " +
        "answers 503. Once the sink has failed for longer, each failing frame goes to onError at once until an append succeeds " +
        "again. 0: five attempts per frame.",
    ),
});

/** Options of the `record` sink as written in a config. */
export type RecordSinkOptionsInput = z.input<typeof recordSinkOptions>;

/** Options of the `record` sink after validation and defaults. */
export type RecordSinkOptions = z.output<typeof recordSinkOptions>;

/** The path template in effect: `path`, or the default for the chosen compression. */
export function effectivePathTemplate(options: Pick<RecordSinkOptions, "path" | "gzip">): string {
  return options.path ?? (options.gzip ? DEFAULT_GZIP_PATH_TEMPLATE : DEFAULT_PATH_TEMPLATE);
}
