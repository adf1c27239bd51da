import { Subject } from "rxjs";
import { z } from "zod";
import type { GroupInfo, StreamInfo } from "../../../src/model/stream-key.js";
import type { VideoFrame } from "../../../src/model/video-frame.js";
import {
  defineSink,
  defineSource,
  defineTransform,
  type SinkDefinition,
  type SourceDefinition,
  type TransformDefinition,
  type TransformInstance,
  type TransformOutput,
} from "../../../src/plugin/define-plugin.js";
import type { PluginContext } from "../../../src/plugin/plugin-context.js";
import type { RecallEvent } from "../../../src/recall/recall-event.js";
import { type FrameSpec, frameEvent } from "./events.js";

const noOptions = z.strictObject({});

/** Controls and records an in-memory source. */
export interface MemorySourceHandle {
  /** `start`, `pause`, `resume`, `stop`, in order. */
  readonly calls: string[];
  readonly context: PluginContext | null;
  readonly paused: boolean;
  /** Events held back while paused. */
  readonly buffered: number;
  /** Emits an event; while paused (and honouring pause) it is held until `resume()`. */
  emit(event: RecallEvent): void;
  /** Emits `count` frames of one stream. */
  frames(count: number, spec?: FrameSpec): void;
  complete(): void;
  fail(error: unknown): void;
}

/**
 * An in-memory source. `honourPause` (default true) holds events back while paused, as the
 * websocket source does by not reading its socket; `log` receives `<id>:<call>` lines.
 */
export function memorySource(options: { honourPause?: boolean; log?: string[]; startError?: unknown } = {}): {
  definition: SourceDefinition;
  handle: MemorySourceHandle;
} {
  const subject = new Subject<RecallEvent>();
  const buffer: RecallEvent[] = [];
  const calls: string[] = [];
  let paused = false;
  let context: PluginContext | null = null;
  const honourPause = options.honourPause ?? true;
  const record = (call: string) => {
    calls.push(call);
    options.log?.push(`${context?.componentId}:${call}`);
  };
  const drain = (ignorePause: boolean) => {
    while (buffer.length > 0 && (ignorePause || !paused)) subject.next(buffer.shift()!);
  };
  const handle: MemorySourceHandle = {
    calls,
    get context() {
      return context;
    },
    get paused() {
      return paused;
    },
    get buffered() {
      return buffer.length;
    },
    emit(event) {
      if (honourPause && (paused || buffer.length > 0)) buffer.push(event);
      else subject.next(event);
    },
    frames(count, spec = {}) {
      for (let index = 0; index < count; index += 1) handle.emit(frameEvent(spec));
    },
    complete() {
      drain(true);
      subject.complete();
    },
    fail(error) {
      subject.error(error);
    },
  };
  const definition = defineSource({
    type: "memory",
    summary: "test source",
    options: noOptions,
    create(_options, pluginContext) {
      context = pluginContext;
      return {
        events$: subject.asObservable(),
        start() {
          record("start");
          if (options.startError !== undefined) throw options.startError;
        },
        pause() {
          record("pause");
          paused = true;
        },
        resume() {
          record("resume");
          paused = false;
          drain(false);
        },
        stop() {
          record("stop");
          drain(true);
          subject.complete();
        },
      };
    },
  });
  return { definition, handle };
}

/** Records what a collecting sink was asked to do. */
export interface CollectSinkHandle {
  /** Frames written successfully, in completion order. */
  readonly frames: VideoFrame[];
  /** `write <stream key> <seq>`, `end-stream <stream key>`, `end-group <group key> <reason>`, `flush`, `close`. */
  readonly calls: string[];
  readonly streams: StreamInfo[];
  readonly groups: GroupInfo[];
  readonly context: PluginContext | null;
}

/** A sink that collects frames; `write` may delay or fail (it runs before the frame is recorded). */
export function collectSink(options: { write?: (frame: VideoFrame) => unknown; log?: string[] } = {}): {
  definition: SinkDefinition;
  handle: CollectSinkHandle;
} {
  let context: PluginContext | null = null;
  const handle: CollectSinkHandle = {
    frames: [],
    calls: [],
    streams: [],
    groups: [],
    get context() {
      return context;
    },
  };
  const record = (call: string) => {
    handle.calls.push(call);
    options.log?.push(`${context?.componentId}:${call}`);
  };
  const definition = defineSink({
    type: "collect",
    summary: "test sink",
    options: noOptions,
    create(_options, pluginContext) {
      context = pluginContext;
      return {
        async write(frame) {
          await options.write?.(frame);
          handle.frames.push(frame);
          record(`write ${frame.recording.id}#${frame.participant.id}#${frame.type} ${frame.seq}`);
        },
        endStream(stream) {
          handle.streams.push(stream);
          record(`end-stream ${stream.key}`);
        },
        endGroup(group) {
          handle.groups.push(group);
          record(`end-group ${group.key} ${group.reason}`);
        },
        flush() {
          record("flush");
        },
        close() {
          record("close");
        },
      };
    },
  });
  return { definition, handle };
}

/** A per-frame transform. */
export function mapTransform(
  process: (frame: VideoFrame) => TransformOutput | Promise<TransformOutput>,
  log?: string[],
): TransformDefinition {
  return defineTransform({
    type: "map",
    summary: "test per-frame transform",
    options: noOptions,
    create(_options, context): TransformInstance {
      return {
        process,
        close() {
          log?.push(`${context.componentId}:close`);
        },
      };
    },
  });
}

/** A per-stream operator transform. */
export function streamTransform(stream: NonNullable<TransformInstance["stream"]>): TransformDefinition {
  return defineTransform({
    type: "per-stream",
    summary: "test per-stream transform",
    options: noOptions,
    create: (): TransformInstance => ({ stream }),
  });
}
