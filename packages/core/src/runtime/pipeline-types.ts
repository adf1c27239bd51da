import type { Observable } from "rxjs";
import type { ErrorStage } from "../errors/framepipe-error.js";
import type { VideoFrame } from "../model/video-frame.js";
import type { ComponentKind } from "../plugin/plugin-context.js";
import type { RecallEvent } from "../recall/recall-event.js";
import type { Logger } from "../services/logger.js";
import type { Clock } from "./clock.js";
import type { DropReason, PipelineMetrics } from "./pipeline-metrics.js";

/**
 * Where a pipeline is in its life: `created` → `starting` → `running` → `draining` → `stopped`,
 * or `failed` from any of them (a source that would not start, an `onError: fail`).
 */
export type PipelineState = "created" | "starting" | "running" | "draining" | "stopped" | "failed";

/** Services the engine uses, passed directly (they may also come from `services` or a container). */
export interface PipelineServiceOptions {
  /** Values for the services plugins declare in `deps`, keyed by each service reference's `id`. */
  readonly services?: Readonly<Record<string, unknown>>;
  /** Default: a silent logger. Each plugin gets a child bound with `{ component: "kind:type#id" }`. */
  readonly logger?: Logger;
  /** Default: a fresh {@link PrometheusPipelineMetrics} with its own registry. */
  readonly metrics?: PipelineMetrics;
  /** Default: {@link systemClock}. */
  readonly clock?: Clock;
}

/** Options of {@link Pipeline.stop}. */
export interface StopOptions {
  /** Why the pipeline stops, for logs and the summary (`"SIGTERM"`, `"stop()"`). */
  readonly reason?: string;
}

/** Counters of one component. */
export interface ComponentStats {
  readonly kind: ComponentKind;
  readonly type: string;
  /** Sources: frames ingested. Transforms and sinks: frames received from upstream. */
  readonly received: number;
  /** Transforms: frames emitted. Sinks: frames written. */
  readonly sent: number;
  readonly dropped: Readonly<Partial<Record<DropReason, number>>>;
  readonly errors: Readonly<Partial<Record<ErrorStage, number>>>;
  /** Frames waiting in this component's input lanes (not counting the ones being processed). */
  readonly queued: number;
  /** Sources only: whether the runtime asked it to pause. */
  readonly paused?: boolean;
}

/**
 * A sink whose last write attempt failed and none has succeeded since (it may be retrying). While
 * one is, `framepipe run`'s `/ready` answers 503 and `/health` names it.
 */
export interface FailingSink {
  /** Component id from the config. */
  readonly component: string;
  /** `sink:fs#disk`. */
  readonly label: string;
  /** Why, in a few words: `no space left on device (ENOSPC)`. */
  readonly reason: string;
  /** The last error's message. */
  readonly error: string;
  /** When the first of these failures happened (ISO 8601). */
  readonly since: string;
  /** Write attempts that failed since then, retries included. */
  readonly failedAttempts: number;
}

/** Frames that failed for good at one component for one reason (`onError` applied). */
export interface FrameFailureCount {
  /** Component id from the config. */
  readonly component: string;
  /** `sink:fs#disk`. */
  readonly label: string;
  /**
   * Why, in a few words (`read-only file system (EROFS)`); beyond 8 distinct reasons per component
   * the rest count as `other reasons`.
   */
  readonly reason: string;
  /** Frames dropped (`onError: drop` or `fail`): lost. */
  readonly lost: number;
  /** Frames written to the dead-letter directory instead. */
  readonly deadLettered: number;
}

/** A snapshot of a running (or finished) pipeline, from {@link Pipeline.stats}. */
export interface PipelineStats {
  readonly state: PipelineState;
  /** Frames ingested from all sources. */
  readonly received: number;
  /** Events the sources produced, frames included, by kind (`video-frame`, `participant`, …). */
  readonly events: Readonly<Record<string, number>>;
  /** Frames written, all sinks together. */
  readonly written: number;
  /** Frames dropped, all components together, by reason. */
  readonly dropped: Readonly<Partial<Record<DropReason, number>>>;
  /** Errors, all components together. */
  readonly errors: number;
  /** Frames accepted and not yet written or dropped. */
  readonly queueDepth: number;
  /** Their bytes, as ingested. */
  readonly inFlightBytes: number;
  readonly activeGroups: number;
  /** Per component id. */
  readonly components: Readonly<Record<string, ComponentStats>>;
  /** Sinks failing now (see {@link FailingSink}); empty while every sink's last write succeeded. */
  readonly failing: readonly FailingSink[];
}

/** What a stopped pipeline reports. */
export interface PipelineSummary {
  /** Why it stopped (`stop()` reason, `sources completed`, the failure). */
  readonly reason: string;
  /** Frames ingested. */
  readonly received: number;
  /** Frames written, per sink id. */
  readonly written: Readonly<Record<string, number>>;
  /** Frames dropped, by reason (counted per component: a fan-out frame lost before two sinks counts twice). */
  readonly dropped: Readonly<Partial<Record<DropReason, number>>>;
  /** Errors counted, all stages. */
  readonly errors: number;
  /** Frames accepted that a forced stop left neither written nor dropped for another reason. */
  readonly unwritten: number;
  /**
   * Frames that failed for good (after retries) at a transform or sink, by component and reason:
   * lost to errors, or dead-lettered. Empty when none did.
   */
  readonly failures: readonly FrameFailureCount[];
  /** The dead-letter directory (absolute) when frames were dead-lettered, else null. */
  readonly deadLetterDirectory: string | null;
  /** From `start()` to the end, in milliseconds. */
  readonly durationMs: number;
  /** True when everything accepted was written or dropped before the shutdown deadline. */
  readonly drained: boolean;
}

/** A running pipeline, from {@link createPipeline}. */
export interface Pipeline {
  readonly state: PipelineState;
  /** Starts the sources (in config order) and begins ingesting. Rejects, and fails the pipeline, if one cannot start. */
  start(): Promise<void>;
  /**
   * Stops accepting, drains what was accepted through the sinks, ends every group, flushes the
   * sinks and closes the components in reverse order, within `runtime.shutdownTimeout`. Idempotent;
   * a second call while draining forces the stop at once. Resolves with {@link done}'s summary.
   */
  stop(options?: StopOptions): Promise<PipelineSummary>;
  /** Settles when the pipeline stopped (summary) or failed (rejects with a `FramepipeError`). */
  readonly done: Promise<PipelineSummary>;
  /**
   * Every event the sources produced, in arrival order (hot). Video frame events carry the ingested
   * frame: with its `seq` and a late-filled participant name (typed as the event's `IncomingFrame`).
   */
  readonly events$: Observable<RecallEvent>;
  /** Every ingested frame, with its `seq`, including frames later dropped by overflow (hot). */
  readonly frames$: Observable<VideoFrame>;
  /** The metrics this pipeline reports to. */
  readonly metrics: PipelineMetrics;
  stats(): PipelineStats;
}
