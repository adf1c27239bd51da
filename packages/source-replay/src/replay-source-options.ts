import { defaultMaxPixels } from "@framepipe/core";
import { byteSizeSchema, formatByteSize } from "@framepipe/core/plugin";
import { z } from "zod";

/** Default `maxLineBytes`: 64 MiB, far above the largest Recall frame message (a few MiB of base64). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Options of the `replay` source (a `z.strictObject`, every field described). */
export const replaySourceOptions = z.strictObject({
  files: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe(
      "What to replay: a file, a list of files, or a folder (every *.ndjson and *.ndjson.gz file directly in it, " +
        "sorted by name). gzip is recognised by content, whatever the name. Relative paths resolve against the " +
        "working directory of the process.",
    ),
  speed: z
    .union([z.literal("max"), z.number().positive()])
    .default(1)
    .describe(
      "1 replays at the recorded pace (timestamp.relative deltas), 2 twice as fast, 0.5 at half speed; files play " +
        'at the same time, as the bots that recorded them did. "max" replays as fast as the pipeline takes the ' +
        "frames, one file after the other.",
    ),
  loop: z
    .boolean()
    .default(false)
    .describe("Start over after the last file instead of completing; stops only when the pipeline stops."),
  maxLineBytes: byteSizeSchema()
    // Written as "64MiB", so option tables and the JSON Schema show the default as people write it.
    .prefault(formatByteSize(DEFAULT_MAX_LINE_BYTES))
    .describe("Longest line accepted (e.g. 64MiB); a longer one is skipped and counted as too-large."),
  maxPixels: z
    .int()
    .positive()
    .default(defaultMaxPixels)
    .describe(
      "Largest frame replayed, in pixels (width × height from the PNG header; default 4096×2304). A larger one is " +
        "skipped before anything decodes it and counted as too-many-pixels, as the websocket source does.",
    ),
});

/** Options of the `replay` source as written in a config. */
export type ReplaySourceOptionsInput = z.input<typeof replaySourceOptions>;

/** Options of the `replay` source after validation and defaults. */
export type ReplaySourceOptions = z.output<typeof replaySourceOptions>;
