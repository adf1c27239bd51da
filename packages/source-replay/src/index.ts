/**
 * `@framepipe/source-replay`: replays Recall-format NDJSON recordings, such as the files of
 * `@framepipe/sink-record`, into a pipeline.
 * @packageDocumentation
 */

import { replaySource } from "./replay-source.js";

export {
  createReplaySource,
  type ReplaySourceDependencies,
  type ReplaySourceInstance,
  replaySource,
} from "./replay-source.js";
export {
  DEFAULT_MAX_LINE_BYTES,
  type ReplaySourceOptions,
  type ReplaySourceOptionsInput,
  replaySourceOptions,
} from "./replay-source-options.js";
export type {
  ReplayFileErrorKind,
  ReplayFileSummary,
  ReplayState,
  ReplayStatus,
  ReplaySummary,
} from "./replay-summary.js";
export { REPLAY_FILE_PATTERN, resolveReplayFiles } from "./resolve-replay-files.js";

export default replaySource;
