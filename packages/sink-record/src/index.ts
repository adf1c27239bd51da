/**
 * `@framepipe/sink-record`: records frames as the Recall messages they came from, one per line
 * (NDJSON, optionally gzipped), for the `@framepipe/source-replay` source.
 * @packageDocumentation
 */

import { recordSink } from "./record-sink.js";

export { RECALL_FRAME_EVENT, recallFrameMessage } from "./recall-frame-message.js";
export { createRecordSink, recordSink } from "./record-sink.js";
export {
  DEFAULT_GZIP_PATH_TEMPLATE,
  DEFAULT_MAX_OPEN_FILES,
  DEFAULT_PATH_TEMPLATE,
  effectivePathTemplate,
  type RecordSinkOptions,
  type RecordSinkOptionsInput,
  recordSinkOptions,
} from "./record-sink-options.js";

export default recordSink;
