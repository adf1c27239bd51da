import { firstValueFrom, from, type Observable, toArray } from "rxjs";
import type { StreamInfo } from "../../../src/model/stream-key.js";
import type { VideoFrame } from "../../../src/model/video-frame.js";
import { createPluginContext } from "../../../src/plugin/create-plugin-context.js";
import type { TransformInstance } from "../../../src/plugin/define-plugin.js";
import type { PluginContext } from "../../../src/plugin/plugin-context.js";
import type { Logger } from "../../../src/services/logger.js";

/** A plugin context for a transform created outside a pipeline (labelled `transform:test#<componentId>`). */
export function makeContext(componentId = "under-test", logger?: Logger): PluginContext {
  return createPluginContext({ kind: "transform", type: "test", componentId, logger });
}

/** Stream info of the default test stream. */
export const testStream: StreamInfo = {
  key: "rec-1#100#webcam",
  groupKey: "rec-1#100",
  recordingId: "rec-1",
  participantId: 100,
  type: "webcam",
};

/** Runs frames through a per-stream transform instance and collects what comes out. */
export function runStream(instance: TransformInstance, frames: readonly VideoFrame[]): Promise<VideoFrame[]> {
  return runStreamCountingDrops(instance, frames).then((run) => run.outputs);
}

/** {@link runStream}, also returning the drops the operator reported through its stream controls. */
export async function runStreamCountingDrops(
  instance: TransformInstance,
  frames: readonly VideoFrame[],
): Promise<{ outputs: VideoFrame[]; reportedDrops: number }> {
  if (instance.stream === undefined) throw new Error("expected a per-stream transform");
  let reportedDrops = 0;
  const controls = {
    dropped: (count = 1) => {
      reportedDrops += count;
    },
  };
  const output: Observable<VideoFrame> = from(frames).pipe(instance.stream(testStream, controls));
  const outputs = await firstValueFrom(output.pipe(toArray()));
  return { outputs, reportedDrops };
}
