import { durationSchema, secret } from "@framepipe/core/plugin";
import { z } from "zod";

/** Default `path`: where the page is served on the API listener. */
export const DEFAULT_PREVIEW_PATH = "/preview";

/** Options of the `preview` sink (a `z.strictObject`, every field described). */
export const previewSinkOptions = z.strictObject({
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$/, {
      message: 'expected a path such as "/preview"',
    })
    .default(DEFAULT_PREVIEW_PATH)
    .describe(
      "Where the page is served on framepipe's API listener (api.host:api.port), next to /metrics. " +
        "Two preview sinks need two paths.",
    ),
  token: secret(z.string().min(16, { message: "expected a token of at least 16 characters" }))
    .optional()
    .describe(
      "Required when api.host is not a loopback address (the preview shows meeting video and names): " +
        "the page, its events and its thumbnails are then served only to requests carrying it, as " +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the text quotes the interpolation syntax.
        "Authorization: Bearer or once as ?token= (the page then keeps it in a cookie). Use ${ENV} interpolation. " +
        "Optional on 127.0.0.1, where it is checked when set.",
    ),
  maxWidth: z
    .int()
    .min(32)
    .max(1280)
    .default(320)
    .describe("Thumbnail width limit in pixels; frames are shrunk to fit maxWidth × maxHeight, never enlarged."),
  maxHeight: z.int().min(32).max(1280).default(240).describe("Thumbnail height limit in pixels."),
  quality: z.int().min(1).max(100).default(70).describe("JPEG quality of the thumbnails."),
  fps: z
    .number()
    .positive()
    .max(10)
    .default(1)
    .describe(
      "Most thumbnails made per second per stream (Recall sends 2 fps). Frames beyond it (or beyond " +
        "maxThumbnailsPerSecond), or arriving while a thumbnail is being made, are skipped by the preview (shown as " +
        "skipped on the tile); the frame itself still goes on to the other sinks. Thumbnails are made only while a " +
        "viewer is connected.",
    ),
  maxThumbnailsPerSecond: z
    .number()
    .positive()
    .max(1000)
    .default(8)
    .describe(
      "Most thumbnails made per second over all streams, the preview's CPU budget (decoding a Recall PNG costs a few " +
        "milliseconds; frames that are already small JPEGs, after a resize, cost nothing and do not count). With more streams than fps allows within it, each tile's image refreshes every " +
        "streams / maxThumbnailsPerSecond seconds instead, in turn; names, frames/s and ages stay live.",
    ),
  idleAfter: durationSchema()
    .prefault("10s")
    .describe('A tile with no frame for this long greys out as "idle" (e.g. 10s).'),
  removeAfter: durationSchema()
    .prefault("2m")
    .describe("A tile that has left (or stayed idle) for this long disappears from the page (e.g. 2m)."),
  maxStreams: z
    .int()
    .positive()
    .default(500)
    .describe("Most tiles kept at once; streams beyond it are not shown (counted in the page header)."),
});

/** Options of the `preview` sink as written in a config. */
export type PreviewSinkOptionsInput = z.input<typeof previewSinkOptions>;

/** Options of the `preview` sink after validation and defaults. */
export type PreviewSinkOptions = z.output<typeof previewSinkOptions>;
