import type { StreamControls } from "@framepipe/core/plugin";

/** {@link StreamControls} for a test, with what the operator reported. */
export interface RecordingStreamControls extends StreamControls {
  /** Frames the operator reported as dropped on purpose, so far. */
  readonly reportedDrops: number;
}

/**
 * Stream controls to pass to a transform's `stream(info, controls)` in a test, as the runtime
 * would: they record the drops the operator reports, so a test can check them.
 */
export function createStreamControls(): RecordingStreamControls {
  let reported = 0;
  return {
    dropped(count = 1) {
      reported += count;
    },
    get reportedDrops() {
      return reported;
    },
  };
}
