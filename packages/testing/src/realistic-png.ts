import type { FrameType } from "@framepipe/core";
import sharp from "sharp";
import type { Raster } from "./scene/raster.js";
import { paintScreenshareScene, type ScreenshareLayout } from "./scene/screenshare-scene.js";
import { textOverlaySvg } from "./scene/text-overlay.js";
import { paintWebcamScene } from "./scene/webcam-scene.js";
import { hashSeed } from "./seeded-random.js";

/** What {@link renderFrame} draws. */
export interface RenderFrameOptions {
  /** Recall participant id: picks the hue, the room layout and the document text. */
  readonly participantId: number;
  /** Drawn as a name tag; defaults to `Participant <id>`. `null` draws no name. */
  readonly name?: string | null;
  /** Default `webcam`. */
  readonly type?: FrameType;
  /** Frame number: moves shapes, scrolls text, moves the cursor, and is drawn top right. Default 0. */
  readonly counter?: number;
  /** Default 480 (webcam) or 1280 (screenshare). */
  readonly width?: number;
  /** Default 360 (webcam) or 720 (screenshare). */
  readonly height?: number;
  /** RGBA (opaque alpha) instead of RGB. Recall sends both. Default false. */
  readonly alpha?: boolean;
  /** Only PNG: what Recall's `video_separate_png` carries. */
  readonly format?: "png";
}

/** Default frame sizes Recall documents: webcam 480×360, screenshare 1280×720. */
export const defaultFrameSize: Readonly<Record<FrameType, { readonly width: number; readonly height: number }>> =
  Object.freeze({
    webcam: Object.freeze({ width: 480, height: 360 }),
    screenshare: Object.freeze({ width: 1280, height: 720 }),
  });

function encodeRaster(raster: Raster, overlay: Buffer | null, alpha: boolean): Promise<Buffer> {
  let image = sharp(Buffer.from(raster.pixels.buffer, raster.pixels.byteOffset, raster.pixels.byteLength), {
    raw: { width: raster.width, height: raster.height, channels: 3 },
  });
  if (overlay) image = image.composite([{ input: overlay, top: 0, left: 0 }]);
  image = alpha ? image.ensureAlpha(1) : image.removeAlpha();
  return image.png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer();
}

/**
 * Renders a realistic PNG frame for a participant: a webcam-like scene (lit room, head and
 * shoulders, moving objects, sensor noise) or a screen being shared (windows, text-like lines,
 * media, moving cursor), with the participant's name and the counter drawn as text.
 *
 * Sizes resemble real Recall frames (about 150–450 KB for a 480×360 webcam, several hundred KB
 * for a 1280×720 screenshare), so benchmarks and size limits are exercised honestly; flat test
 * patterns are 15–20× smaller. Deterministic: the same options give the same bytes.
 * Costs tens of milliseconds per frame (most of it PNG encoding): see {@link FrameLibrary} for
 * simulators that need many frames.
 */
export async function renderFrame(options: RenderFrameOptions): Promise<Buffer> {
  const type = options.type ?? "webcam";
  const width = options.width ?? defaultFrameSize[type].width;
  const height = options.height ?? defaultFrameSize[type].height;
  const counter = options.counter ?? 0;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`[framepipe] renderFrame needs positive integer width and height, got ${width}×${height}`);
  }
  const name = options.name === undefined ? `Participant ${options.participantId}` : options.name;
  const noiseSeed = hashSeed("noise", options.participantId, type, counter, width, height);
  const scene = { participantId: options.participantId, counter, width, height, noiseSeed };
  let raster: Raster;
  let layout: ScreenshareLayout | undefined;
  if (type === "screenshare") {
    ({ raster, layout } = paintScreenshareScene(scene));
  } else {
    raster = paintWebcamScene(scene);
  }
  const alpha = options.alpha ?? false;
  const overlay = textOverlaySvg({ width, height, type, name: name ?? "", counter, ...(layout ? { layout } : {}) });
  try {
    return await encodeRaster(raster, overlay, alpha);
  } catch {
    // Text rendering depends on the machine (librsvg, fonts): a frame without text beats no frame.
    return encodeRaster(raster, null, alpha);
  }
}
