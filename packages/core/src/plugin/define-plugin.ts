import type { Observable, OperatorFunction } from "rxjs";
import type { z } from "zod";
import type { GroupInfo, StreamInfo } from "../model/stream-key.js";
import type { IncomingFrame, VideoFrame } from "../model/video-frame.js";
import type { RecallEvent } from "../recall/recall-event.js";
import type { DropReason } from "../runtime/pipeline-metrics.js";
import type { ServiceDeps } from "../services/service-ref.js";
import type { ComponentKind, PluginContext } from "./plugin-context.js";

type Awaitable<T> = T | Promise<T>;

/**
 * What became of a frame a source produced, once every copy of it (one per branch of a fan-out,
 * and the frames transforms derived from it) was written, filtered, failed or dropped.
 */
export interface FrameOutcome {
  /** Sink writes that succeeded. */
  readonly written: number;
  /** Copies a transform dropped on purpose (a filter, `sample`, `dedupe`). */
  readonly filtered: number;
  /** Copies that failed for good after retries; `onError` was applied (dropped or dead-lettered). */
  readonly failed: number;
  /**
   * Copies dropped by flow control or a forced stop (`queue-full`, `memory-budget`, `shutdown`):
   * not processed at all, so a source with redelivery should redeliver.
   */
  readonly dropped: number;
  /** The reason of the first such drop, or null. */
  readonly dropReason: DropReason | null;
}

/** A running source. */
export interface SourceInstance {
  /**
   * What the source produces: typed Recall events, frames among them. The runtime subscribes
   * once, after `start()`. It completes when the source is stopped or runs out (a replay).
   */
  readonly events$: Observable<RecallEvent>;
  /** Begins accepting input (listen on a port, open a file). */
  start?(): Awaitable<void>;
  /** Asked by the runtime under `overflow: block`: stop reading input until `resume()`. */
  pause?(): void;
  /** Undo `pause()`. */
  resume?(): void;
  /** Stops accepting input; `events$` completes once what was read has been emitted. */
  stop?(): Awaitable<void>;
  /**
   * Told once per frame this source emitted, when every copy of it is finished: written by every
   * sink it reached, filtered, failed for good, or dropped (also when the overflow policy refused
   * it on arrival). `frame` is the very object the source emitted, so it can find what to
   * acknowledge (a queue message, a file offset). Runs synchronously; throwing is logged and ignored.
   */
  settled?(frame: IncomingFrame, outcome: FrameOutcome): void;
}

/** What a per-frame transform returns: a frame, several frames, or `null` to drop it. */
export type TransformOutput = VideoFrame | readonly VideoFrame[] | null;

/** What the runtime hands a per-stream operator besides its stream's identity. */
export interface StreamControls {
  /**
   * Reports `count` frames (default 1) the operator dropped on purpose (a duplicate, a frame
   * sampled away), so that they count as dropped, reason `filtered`, right away. Frames an
   * operator never reports are counted when its stream ends (taken in minus emitted), since only
   * then is it sure they will not come out; report a frame only once it cannot come out.
   */
  dropped(count?: number): void;
}

/** A running transform: exactly one of `process` and `stream`. */
export type TransformInstance =
  | {
      /** Per-frame function, sync or async. The runtime keeps per-stream order. */
      readonly process: (frame: VideoFrame) => Awaitable<TransformOutput>;
      readonly stream?: undefined;
      close?(): Awaitable<void>;
    }
  | {
      readonly process?: undefined;
      /**
       * Per-stream operator factory: each stream (recording, participant, type) gets its own
       * operator, so per-participant state (dedupe, throttling) is natural.
       */
      readonly stream: (stream: StreamInfo, controls: StreamControls) => OperatorFunction<VideoFrame, VideoFrame>;
      close?(): Awaitable<void>;
    };

/** A running sink. */
export interface SinkInstance {
  /** Writes one frame. Throw an error marked transient (`markTransient`) to have it retried. */
  write(frame: VideoFrame): Awaitable<void>;
  /** A stream ended: finalise its outputs (close a file, write a manifest). */
  endStream?(stream: StreamInfo): Awaitable<void>;
  /** A participant group ended (leave, idle, shutdown). */
  endGroup?(group: GroupInfo): Awaitable<void>;
  /** Make everything written so far durable. */
  flush?(): Awaitable<void>;
  /** Release resources; called once, after the last write. */
  close?(): Awaitable<void>;
  /**
   * Milliseconds during which the runtime retries transient write failures (with backoff, at most
   * 5 s apart), counted from the sink's first failed write since its last successful one. Meanwhile
   * each frame holds its stream, so under `overflow: block` the sources are paused rather than
   * frames dropped. Once the sink has been failing for longer, a frame that fails gets `onError`
   * at once, until a write succeeds again: a disk nobody fixes then costs the frames that arrive,
   * counted, rather than holding the sources back for ever. Default 0: five attempts per frame
   * (about 1.5 s). Set it (from an option) when a failure may last until someone acts: a full
   * disk, a store that is down.
   */
  readonly retryFor?: number;
}

/** The instance type each kind of plugin creates. */
export interface InstanceByKind {
  source: SourceInstance;
  transform: TransformInstance;
  sink: SinkInstance;
}

/** Fields shared by every plugin definition. */
export interface PluginDefinitionInput<Kind extends ComponentKind, Schema extends z.ZodType, Deps extends ServiceDeps> {
  /** Name used as `type:` in configs: lowercase letters, digits and `-`. */
  readonly type: string;
  /** One line shown by `framepipe plugins`. */
  readonly summary: string;
  /** zod schema of the plugin's options (use `z.strictObject`, describe each field). */
  readonly options: Schema;
  /** Services the plugin needs, declared as data. */
  readonly deps?: Deps;
  /**
   * Transforms and sinks: how many of its steps (each for a different stream) may run at once,
   * unless the config sets `concurrency:`. Leave it out for CPU-bound work (`runtime.concurrency`
   * applies); an I/O-bound sink (uploads) declares more so slow round trips overlap.
   */
  readonly concurrency?: number;
  /**
   * Checks what the options need outside the config file, without starting or writing anything:
   * a program on PATH with the right encoder, say. `framepipe validate` reports every problem
   * returned (one line each, saying what is missing and how to get it) beside the config's own,
   * so a deployment learns of them before it starts. `create` must still check for itself.
   */
  readonly check?: (options: z.output<Schema>) => Awaitable<readonly string[]>;
  /** Builds a running instance from validated options. */
  create(options: z.output<Schema>, context: PluginContext<Deps>): Awaitable<InstanceByKind[Kind]>;
}

/** A frozen plugin definition, as returned by `defineSource`/`defineTransform`/`defineSink`. */
export interface PluginDefinition<
  Kind extends ComponentKind = ComponentKind,
  Schema extends z.ZodType = z.ZodType,
  Deps extends ServiceDeps = ServiceDeps,
> extends PluginDefinitionInput<Kind, Schema, Deps> {
  readonly kind: Kind;
  readonly deps: Deps;
}

/** Any source definition. */
export type SourceDefinition = PluginDefinition<"source", z.ZodType, ServiceDeps>;
/** Any transform definition. */
export type TransformDefinition = PluginDefinition<"transform", z.ZodType, ServiceDeps>;
/** Any sink definition. */
export type SinkDefinition = PluginDefinition<"sink", z.ZodType, ServiceDeps>;
/** Any plugin definition. */
export type AnyPluginDefinition = SourceDefinition | TransformDefinition | SinkDefinition;

const typePattern = /^[a-z][a-z0-9-]*$/;
const definitionMarker = Symbol.for("framepipe.plugin");

function define<Kind extends ComponentKind, Schema extends z.ZodType, Deps extends ServiceDeps>(
  kind: Kind,
  input: PluginDefinitionInput<Kind, Schema, Deps>,
): PluginDefinition<Kind, Schema, Deps> {
  if (!typePattern.test(input.type)) {
    throw new TypeError(
      `[framepipe] plugin type "${input.type}" must start with a lowercase letter and use only a-z, 0-9 and "-"`,
    );
  }
  if (input.concurrency !== undefined && !(Number.isSafeInteger(input.concurrency) && input.concurrency >= 1)) {
    throw new TypeError(
      `[framepipe] plugin ${kind}:${input.type} declares concurrency ${input.concurrency}: use 1 or more`,
    );
  }
  if (input.check !== undefined && typeof input.check !== "function") {
    throw new TypeError(`[framepipe] plugin ${kind}:${input.type} declares check, which must be a function`);
  }
  if (typeof input.create !== "function") {
    throw new TypeError(`[framepipe] plugin ${kind}:${input.type} needs a create(options, context) function`);
  }
  const definition = {
    ...input,
    kind,
    deps: (input.deps ?? {}) as Deps,
    [definitionMarker]: true,
  };
  return Object.freeze(definition);
}

/** Defines a source plugin. The package default-exports the result. */
export function defineSource<Schema extends z.ZodType, Deps extends ServiceDeps = Record<never, never>>(
  input: PluginDefinitionInput<"source", Schema, Deps>,
): PluginDefinition<"source", Schema, Deps> {
  return define("source", input);
}

/** Defines a transform plugin. The package default-exports the result. */
export function defineTransform<Schema extends z.ZodType, Deps extends ServiceDeps = Record<never, never>>(
  input: PluginDefinitionInput<"transform", Schema, Deps>,
): PluginDefinition<"transform", Schema, Deps> {
  return define("transform", input);
}

/** Defines a sink plugin. The package default-exports the result. */
export function defineSink<Schema extends z.ZodType, Deps extends ServiceDeps = Record<never, never>>(
  input: PluginDefinitionInput<"sink", Schema, Deps>,
): PluginDefinition<"sink", Schema, Deps> {
  return define("sink", input);
}

/** True for a definition made by one of the `define*` functions (any copy of core). */
export function isPluginDefinition(value: unknown): value is AnyPluginDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[definitionMarker] === true;
}
