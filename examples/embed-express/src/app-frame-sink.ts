import { defineSink, type SinkDefinition, type VideoFrame } from "@framepipe/core/plugin";
import { type Observable, Subject } from "rxjs";
import { z } from "zod";

/** A sink defined in app code, and the RxJS stream of the frames it receives. */
export interface AppFrameSink {
  /** Register with `createPipeline(config, { plugins: [definition] })`; configs name it `type: app-frames`. */
  readonly definition: SinkDefinition;
  /** Every frame the pipeline delivers to the sink, after its transforms; completes when the sink closes. */
  readonly frames$: Observable<VideoFrame>;
}

/**
 * A sink that hands frames to the app as an Observable. Unlike `pipeline.frames$` (a tap on
 * everything ingested), a sink sees frames after the pipeline's transforms and takes part in flow
 * control: the pipeline counts a frame as written once the app's subscribers have handled it.
 */
export function createAppFrameSink(): AppFrameSink {
  const frames = new Subject<VideoFrame>();
  const definition = defineSink({
    type: "app-frames",
    summary: "hands every frame to the host app as an RxJS Observable",
    options: z.strictObject({}),
    create: () => ({
      write: (frame) => frames.next(frame),
      close: () => frames.complete(),
    }),
  });
  return { definition, frames$: frames.asObservable() };
}
