import { defaultMaxPixels } from "@framepipe/core";
import sharp from "sharp";
import { z } from "zod";

/**
 * Largest width or height accepted: WebP's limit, and far beyond any video frame. Larger
 * values are a typo, and catching them in the config beats failing on every frame.
 */
export const maxDimension = 16383;

/** Output encodings; `same` keeps each frame's input format. */
export const outputFormats = ["same", "png", "jpeg", "webp", "avif"] as const;

/** How the image fits the `width`×`height` box (sharp's `fit`). */
export const fitModes = ["cover", "contain", "inside", "outside", "fill"] as const;

/** Where the image sits in the box for `cover` (what is kept) and `contain` (where the padding goes). */
export const positions = [
  "center",
  "top",
  "bottom",
  "left",
  "right",
  "top-left",
  "top-right",
  "bottom-left",
  "bottom-right",
  "entropy",
  "attention",
] as const;

/** Largest `effort` per format that has one. */
export const maxEffort = { webp: 6, avif: 9 } as const;

/**
 * AVIF `effort` when none is set: 0, not sharp's 4. Effort 4 costs about 20 times the CPU (some
 * 880 ms for a 640×360 screenshare frame on one core, against 45 ms) for files 15-40% smaller:
 * one participant's screenshare at 2 fps would need almost two cores. Effort 0 AVIF is still
 * smaller than WebP.
 */
export const defaultAvifEffort = 0;

const dimension = z.int().min(1).max(maxDimension);

/** True when sharp can parse `value` as a colour (CSS names, `#rgb`, `rgb()`, `hsl()`, …). */
function isColour(value: string): boolean {
  try {
    // Parsing happens synchronously when the resize step is declared; no image is read.
    sharp().resize({ width: 1, background: value });
    return true;
  } catch {
    return false;
  }
}

const backgroundSchema = z.union([
  z
    .string()
    .min(3)
    .max(200)
    .refine(isColour, { message: "expected a CSS colour such as black, #112233 or rgba(0,0,0,0)" }),
  z.strictObject({
    r: z.int().min(0).max(255).describe("Red, 0-255."),
    g: z.int().min(0).max(255).describe("Green, 0-255."),
    b: z.int().min(0).max(255).describe("Blue, 0-255."),
    alpha: z.number().min(0).max(1).default(1).describe("Opacity, 0 (transparent) to 1 (opaque)."),
  }),
]);

const cropSchema = z.strictObject({
  left: z.int().min(0).max(maxDimension).describe("Left edge of the region, in pixels from the image's left."),
  top: z.int().min(0).max(maxDimension).describe("Top edge of the region, in pixels from the image's top."),
  width: dimension.describe("Width of the region in pixels."),
  height: dimension.describe("Height of the region in pixels."),
});

const resizeOptionsShape = z.strictObject({
  width: dimension
    .optional()
    .describe(
      "Target width in pixels. With only one of width and height, the other follows the aspect ratio; " +
        "with neither, the size is kept (crop, grayscale or re-encode only).",
    ),
  height: dimension.optional().describe("Target height in pixels; see width."),
  fit: z
    .enum(fitModes)
    .default("inside")
    .describe(
      "How the image fits the width×height box. inside: as large as possible within the box, aspect ratio " +
        "kept, nothing cropped (a 4:3 webcam into 320×180 gives 240×180). cover: fills the box exactly, " +
        "cropping the overflow. contain: exactly the box, letterboxed with background. outside: covers " +
        "the box, nothing cropped. fill: exactly the box, stretched.",
    ),
  position: z
    .enum(positions)
    .default("center")
    .describe(
      "Which part is kept with fit cover, or where the image sits with fit contain. entropy and attention " +
        "(cover only) keep the busiest or most salient region.",
    ),
  background: backgroundSchema
    .default("#000000")
    .describe(
      "Padding colour for fit contain: a CSS colour string or {r, g, b, alpha} (alpha 0-1). A transparent " +
        "colour adds an alpha channel to PNG, WebP and AVIF; JPEG has no alpha, so its padding is the opaque colour.",
    ),
  withoutEnlargement: z
    .boolean()
    .default(true)
    .describe(
      "Never scale an image up: a frame already smaller than the box keeps its size (contain still pads " +
        "to the box). Set false when a model needs an exact input size from small frames.",
    ),
  format: z
    .enum(outputFormats)
    .default("same")
    .describe("Output encoding: png, jpeg, webp, avif, or same to keep each frame's input format."),
  quality: z
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "Quality of lossy outputs (jpeg, webp, avif), 1-100. Unset: sharp's defaults (jpeg 80, webp 80, avif 50). " +
        "PNG is lossless: use compressionLevel.",
    ),
  effort: z
    .int()
    .min(0)
    .max(maxEffort.avif)
    .optional()
    .describe(
      "CPU effort for webp (0-6, default 4) and avif (0-9, default 0 for live streams; sharp's 4 costs ~20x " +
        "the CPU for 15-40% smaller files): higher is smaller and slower. With format same, WebP uses at most 6.",
    ),
  compressionLevel: z
    .int()
    .min(0)
    .max(9)
    .optional()
    .describe("zlib level for png output, 0 (fastest) to 9 (smallest). Unset: 6."),
  grayscale: z
    .boolean()
    .default(false)
    .describe(
      "Convert to grayscale. PNG and JPEG outputs store one channel (plus alpha): a grayscale PNG is about a " +
        "third of the colour one's size.",
    ),
  crop: cropSchema
    .optional()
    .describe(
      "Region {left, top, width, height} cut out before resizing. A frame the region does not fit in fails " +
        "(per onError) with its size in the message.",
    ),
  keepMetadata: z
    .boolean()
    .default(false)
    .describe("Keep the input's metadata (ICC profile, EXIF, text chunks). Default: stripped, for smaller frames."),
  maxInputPixels: z
    .int()
    .positive()
    .default(defaultMaxPixels)
    .describe(
      "Largest input image decoded, in pixels (width × height from its header; default 4096×2304, as at ingest). " +
        "A larger frame fails at once, before any decoding (onError applies): a decompression bomb from any source " +
        "cannot take gigabytes of memory here.",
    ),
});

/** Options of the `resize` transform as written in a config. */
export type ResizeOptionsInput = z.input<typeof resizeOptionsShape>;

/** Options of the `resize` transform after validation and defaults. */
export type ResizeOptions = z.output<typeof resizeOptionsShape>;

type IssueSink = z.core.$RefinementCtx<ResizeOptions>;

function checkEncoderOptions(options: ResizeOptions, context: IssueSink): void {
  const { format } = options;
  if (options.quality !== undefined && format === "png") {
    context.addIssue({
      code: "custom",
      path: ["quality"],
      input: options.quality,
      message: "quality applies to jpeg, webp and avif; png is lossless (use compressionLevel)",
    });
  }
  if (options.effort !== undefined && (format === "png" || format === "jpeg")) {
    context.addIssue({
      code: "custom",
      path: ["effort"],
      input: options.effort,
      message: `effort applies to webp and avif, not ${format}`,
    });
  }
  if (options.effort !== undefined && format === "webp" && options.effort > maxEffort.webp) {
    context.addIssue({
      code: "custom",
      path: ["effort"],
      input: options.effort,
      message: `webp effort is 0-${maxEffort.webp}`,
    });
  }
  if (options.compressionLevel !== undefined && format !== "png" && format !== "same") {
    context.addIssue({
      code: "custom",
      path: ["compressionLevel"],
      input: options.compressionLevel,
      message: `compressionLevel applies to png output, not ${format} (use quality)`,
    });
  }
}

function checkGeometry(options: ResizeOptions, context: IssueSink): void {
  if ((options.position === "entropy" || options.position === "attention") && options.fit !== "cover") {
    context.addIssue({
      code: "custom",
      path: ["position"],
      input: options.position,
      message: `position ${options.position} needs fit cover (fit is ${options.fit})`,
    });
  }
  const doesSomething =
    options.width !== undefined ||
    options.height !== undefined ||
    options.crop !== undefined ||
    options.grayscale ||
    options.format !== "same" ||
    options.quality !== undefined ||
    options.effort !== undefined ||
    options.compressionLevel !== undefined;
  if (!doesSomething) {
    context.addIssue({
      code: "custom",
      path: [],
      input: undefined,
      message:
        "resize has nothing to do (it would re-encode every frame unchanged): set width, height, crop, " +
        "grayscale, a format or an encoder option",
    });
  }
}

/**
 * The `resize` transform's options. Single-field rules (width 0, quality 101, a negative crop
 * edge) come from the field schemas; rules that tie fields together (quality with png, effort
 * ranges per format, entropy without cover, a config that does nothing) are checked after.
 * Whether a crop fits a frame is only known per frame: see `resizeFrame`.
 */
export const resizeOptionsSchema = resizeOptionsShape.superRefine((options, context) => {
  checkEncoderOptions(options, context);
  checkGeometry(options, context);
});
