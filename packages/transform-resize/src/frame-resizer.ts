import { describeError, FramepipeError, type ImageFormat, type VideoFrame, withImage } from "@framepipe/core";
import sharp, { type OutputInfo, type Sharp } from "sharp";
import {
  defaultAvifEffort,
  maxEffort,
  type ResizeOptions,
  type ResizeOptionsInput,
  resizeOptionsSchema,
} from "./resize-options.js";
import { type RgbaColour, resolveColour } from "./resolve-colour.js";

/** Formats this transform encodes itself, with its own encoder options. */
type EncodedFormat = "png" | "jpeg" | "webp" | "avif";

const encodedFormats: ReadonlySet<string> = new Set<EncodedFormat>(["png", "jpeg", "webp", "avif"]);

/** Our position names, mapped to sharp's (its compass names are unambiguous). */
const sharpPositions: Readonly<Record<ResizeOptions["position"], string>> = {
  center: "centre",
  top: "north",
  bottom: "south",
  left: "west",
  right: "east",
  "top-left": "northwest",
  "top-right": "northeast",
  "bottom-left": "southwest",
  "bottom-right": "southeast",
  entropy: "entropy",
  attention: "attention",
};

/** Where a failure is reported: the component label (a plugin context's `label`), e.g. `transform:resize#thumbs`. */
export interface ResizeFrameContext {
  readonly component?: string;
}

function frameLabel(frame: VideoFrame): string {
  return `recording ${frame.recording.id}, participant ${frame.participant.id} ${frame.type} seq ${frame.seq}`;
}

function frameFailure(frame: VideoFrame, context: ResizeFrameContext, reason: string, cause?: unknown) {
  return new FramepipeError({
    code: "TRANSFORM_FAILED",
    stage: "transform",
    ...(context.component === undefined ? {} : { component: context.component }),
    message: `${frameLabel(frame)}: ${reason}`,
    ...(cause === undefined ? {} : { cause }),
  });
}

function outputFormatOf(options: ResizeOptions, frame: VideoFrame): ImageFormat {
  return options.format === "same" ? frame.image.format : options.format;
}

function encode(image: Sharp, format: ImageFormat, options: ResizeOptions): Sharp {
  if (!encodedFormats.has(format)) return image;
  switch (format as EncodedFormat) {
    case "png":
      return image.png(options.compressionLevel === undefined ? {} : { compressionLevel: options.compressionLevel });
    case "jpeg":
      return image.jpeg(options.quality === undefined ? {} : { quality: options.quality });
    case "webp":
      return image.webp({
        ...(options.quality === undefined ? {} : { quality: options.quality }),
        ...(options.effort === undefined ? {} : { effort: Math.min(options.effort, maxEffort.webp) }),
      });
    case "avif":
      return image.avif({
        ...(options.quality === undefined ? {} : { quality: options.quality }),
        effort: options.effort ?? defaultAvifEffort,
      });
  }
}

function buildPipeline(frame: VideoFrame, options: ResizeOptions, background: RgbaColour, format: ImageFormat): Sharp {
  // sharp reads the header first and refuses more pixels than this before decoding anything;
  // its own default (16383×16383) would let one 2 MB PNG take gigabytes.
  let image = sharp(frame.image.data, { limitInputPixels: options.maxInputPixels });
  if (options.crop) image = image.extract(options.crop);
  if (options.width !== undefined || options.height !== undefined) {
    image = image.resize({
      ...(options.width === undefined ? {} : { width: options.width }),
      ...(options.height === undefined ? {} : { height: options.height }),
      fit: options.fit,
      position: sharpPositions[options.position],
      // JPEG has no alpha: transparent padding would come out black whatever its colour, so paint it opaque.
      background: format === "jpeg" ? { ...background, alpha: 1 } : background,
      withoutEnlargement: options.withoutEnlargement,
    });
  }
  // One channel (plus alpha) where the format can store it: a PNG shrinks to about a third.
  if (options.grayscale) image = image.greyscale().toColourspace("b-w");
  if (options.keepMetadata) image = image.keepMetadata();
  return encode(image, format, options);
}

function checkCrop(frame: VideoFrame, options: ResizeOptions, context: ResizeFrameContext): void {
  const crop = options.crop;
  if (crop === undefined) return;
  const { width, height } = frame.image;
  if (crop.left + crop.width <= width && crop.top + crop.height <= height) return;
  throw frameFailure(
    frame,
    context,
    `crop {left: ${crop.left}, top: ${crop.top}, width: ${crop.width}, height: ${crop.height}} ` +
      `does not fit in the ${width}×${height} frame`,
  );
}

function parseOptions(input: ResizeOptionsInput, context: ResizeFrameContext): ResizeOptions {
  const result = resizeOptionsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`,
  );
  throw new FramepipeError({
    code: "INVALID_ARGUMENT",
    stage: "create",
    ...(context.component === undefined ? {} : { component: context.component }),
    message: `invalid resize options: ${problems.join("; ")}`,
  });
}

/** sharp's message when an input's header claims more pixels than `limitInputPixels`. */
function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && error.message.includes("exceeds pixel limit");
}

/** Resizes one frame; see {@link createFrameResizer}. */
export type FrameResizer = (frame: VideoFrame) => Promise<VideoFrame>;

/**
 * Prepares a function that resizes, crops and re-encodes frames with sharp, off the event loop
 * (on libuv's thread pool). Each call returns a new frozen frame with the new image, its real
 * encoded dimensions and its format; every other field is kept and the input buffer is not
 * touched. Calls are independent, so several may run at once. A corrupt image, an image of more
 * than `maxInputPixels` pixels (refused from its header, never decoded), or a crop that does not
 * fit the frame, rejects with a {@link FramepipeError} (`TRANSFORM_FAILED`, stage `transform`, not
 * transient, so never retried) naming the recording, participant, type and seq.
 *
 * For code that resizes frames without a pipeline config; options are validated as in a config
 * (an invalid option throws a `FramepipeError` with code `INVALID_ARGUMENT`).
 */
export async function createFrameResizer(
  input: ResizeOptionsInput,
  context: ResizeFrameContext = {},
): Promise<FrameResizer> {
  const options = parseOptions(input, context);
  const background = await resolveColour(options.background);
  return async (frame) => {
    checkCrop(frame, options, context);
    const format = outputFormatOf(options, frame);
    let result: { data: Buffer; info: OutputInfo };
    try {
      result = await buildPipeline(frame, options, background, format).toBuffer({ resolveWithObject: true });
    } catch (error) {
      const { image } = frame;
      if (isPixelLimitError(error)) {
        throw frameFailure(
          frame,
          context,
          `the ${image.format} image has more than maxInputPixels (${options.maxInputPixels}) pixels ` +
            `(its frame says ${image.width}×${image.height}); refused without decoding`,
          error,
        );
      }
      throw frameFailure(
        frame,
        context,
        `could not resize the ${image.format} image (${image.width}×${image.height}, ${image.data.length} bytes): ` +
          describeError(error),
        error,
      );
    }
    const { data, info } = result;
    // sharp names AVIF output "heif"; a format we did not choose is whatever sharp kept.
    const outputFormat = encodedFormats.has(format) ? format : info.format === "heif" ? "avif" : info.format;
    return withImage(frame, { data, format: outputFormat, width: info.width, height: info.height });
  };
}
