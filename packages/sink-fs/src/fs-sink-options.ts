import {
  compilePathTemplate,
  durationSchema,
  pathTemplateFieldList,
  pathTemplateSchema,
  STREAM_TEMPLATE_FIELDS,
} from "@framepipe/core/plugin";
import { z } from "zod";

/**
 * The default `retryFor`: long enough for an operator to free a full disk or remount a read-only
 * one, short enough that a disk nobody attends to ends in counted losses rather than a pipeline
 * that holds its sources back forever.
 */
export const DEFAULT_RETRY_FOR = "5m";

/** The default `path` template: one folder per recording, one per stream inside it. */
export const DEFAULT_PATH_TEMPLATE = "{recording.id}/{participant.id}-{type}/{seq}.{ext}";

const octalMode = z
  .string()
  .regex(/^0?[0-7]{3}$/, 'expected an octal permission string such as "0640"')
  .transform((value) => Number.parseInt(value, 8));

const fsSinkObject = z.strictObject({
  dir: z
    .string()
    .min(1)
    .describe(
      "Root folder of the output, created when missing. A relative path resolves against the working " +
        "directory of the process (not the config file's folder). Nothing is ever written outside it.",
    ),
  path: pathTemplateSchema
    .default(DEFAULT_PATH_TEMPLATE)
    .describe(
      `File path of each frame under dir, a template with "/" for folders and the placeholders ${pathTemplateFieldList}; ` +
        '"{field|fallback}" replaces a missing or empty value (default "unknown"). Substituted values are made safe single path segments.',
    ),
  overwrite: z
    .boolean()
    .default(false)
    .describe(
      "Replace a file that already exists. When false, files are never replaced: with {seq} in path, a stream whose next " +
        "file exists (a restart in the middle of a recording) continues its numbering after the existing files; without " +
        "{seq}, the frame fails (counted, handled by onError). A path with {recording.id}, {participant.id}, {type} and " +
        "{timestamp.relative} (or {timestamp.absolute}) names each frame: a frame whose file exists with its very bytes " +
        "was delivered twice (a worker taking over a NATS partition) and is kept once, counted in fs_sink_duplicates_total.",
    ),
  manifest: z
    .boolean()
    .default(false)
    .describe(
      "Also write an NDJSON index per stream (one line per written frame: file, seq, timestamps, size, format, participant name).",
    ),
  manifestPath: pathTemplateSchema
    .optional()
    .describe(
      "Where each stream's manifest goes, a template rendered with the stream's first frame; it must use {recording.id}, " +
        "{participant.id} and {type}. Default: manifest.ndjson beside the frames (in the folder of the path template).",
    ),
  fsync: z
    .boolean()
    .default(false)
    .describe(
      "fsync each file before it is renamed into place, and its folder after: frames survive a power loss, " +
        "at the cost of two disk flushes per frame, which usually take far longer than the write itself (measure before enabling).",
    ),
  retryFor: durationSchema({ allowZero: true })
    .prefault(DEFAULT_RETRY_FOR)
    .describe(
      "How long the sink keeps retrying writes that fail with a condition that may clear (no space left, quota exceeded, " +
        "a read-only or failing disk, too many open files), with backoff, counted from its first failure (e.g. 30s, 5m). " +
        "Meanwhile frames are held, so under overflow: block the sources are paused instead of frames dropped, and /ready " +
        "answers 503. Once the sink has failed for longer, each failing frame goes to onError at once until a write succeeds " +
        "again. 0: five attempts per frame.",
    ),
  fileMode: octalMode
    .optional()
    .describe('Permissions of written files, an octal string such as "0640". Default: 0666 minus the process umask.'),
  dirMode: octalMode
    .optional()
    .describe(
      'Permissions of folders the sink creates, an octal string such as "0750", minus the umask. Default: 0777 minus the umask.',
    ),
});

/**
 * Options of the `fs` sink (a `z.strictObject`, every field described). Checks that a custom
 * `manifestPath` identifies the stream, so two streams never share one manifest.
 */
export const fsSinkOptions = fsSinkObject.superRefine((options, context) => {
  if (options.manifestPath === undefined) return;
  let fields: readonly string[];
  try {
    fields = compilePathTemplate(options.manifestPath).fields;
  } catch {
    return; // the field's own schema reports template problems
  }
  const missing = STREAM_TEMPLATE_FIELDS.filter((field) => !fields.includes(field));
  if (missing.length > 0) {
    context.addIssue({
      code: "custom",
      path: ["manifestPath"],
      message: `a manifest path must identify its stream; add ${missing.map((field) => `{${field}}`).join(", ")}`,
    });
  }
});

/** Options of the `fs` sink as written in a config. */
export type FsSinkOptionsInput = z.input<typeof fsSinkOptions>;

/** Options of the `fs` sink after validation and defaults (modes as numbers). */
export type FsSinkOptions = z.output<typeof fsSinkOptions>;
