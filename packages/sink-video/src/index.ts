/**
 * `@framepipe/sink-video`: one video file per participant stream (webcam and screenshare apart),
 * encoded in real time by the system ffmpeg.
 * @packageDocumentation
 */

import { videoSink } from "./video-sink.js";

export { type EncoderExit, EncoderGoneError, EncoderProcess } from "./encoder-process.js";
export {
  checkFfmpeg,
  decoderOfFormat,
  ENCODER_BY_CODEC,
  FFMPEG_INSTALL_HINT,
  type FfmpegCheck,
  ffmpegArguments,
  ffmpegExecutable,
  parseEncoderList,
} from "./ffmpeg.js";
export { type ClockSettings, type ClockState, type Placement, placeFrame } from "./frame-clock.js";
export type { VideoUploadLine } from "./upload.js";
export {
  createVideoSink,
  type FinishReason,
  type RunningEncoder,
  type VideoManifestLine,
  type VideoSinkInstance,
  videoSink,
} from "./video-sink.js";
export {
  DEFAULT_MANIFEST_PATH,
  DEFAULT_MAX_ENCODERS,
  DEFAULT_PATH_TEMPLATE,
  effectiveCodec,
  type VideoSinkOptions,
  type VideoSinkOptionsInput,
  type VideoUploadOptions,
  videoSinkOptions,
} from "./video-sink-options.js";

export default videoSink;
