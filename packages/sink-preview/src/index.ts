/**
 * `@framepipe/sink-preview`: a live page of every participant stream (latest frame, name,
 * webcam/screenshare, frames/s, drops, age) served at `/preview` on framepipe's API listener.
 * @packageDocumentation
 */

import { previewSink } from "./preview-sink.js";

export { PREVIEW_COOKIE, PreviewAccess } from "./preview-access.js";
export { createPreviewSink, previewSink } from "./preview-sink.js";
export {
  DEFAULT_PREVIEW_PATH,
  type PreviewSinkOptions,
  type PreviewSinkOptionsInput,
  previewSinkOptions,
} from "./preview-sink-options.js";
export {
  PreviewState,
  type PreviewStateSettings,
  type PreviewStream,
  type TileStatus,
  type TileView,
} from "./preview-state.js";
export { PreviewViewers, type PreviewViewersSettings } from "./preview-viewers.js";
export { makeThumbnail, type Thumbnail, type ThumbnailSettings, usableAsThumbnail } from "./thumbnail.js";

export default previewSink;
