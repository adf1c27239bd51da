import type { ErrorStage } from "../errors/framepipe-error.js";
import type { ParticipantDirectoryStats } from "../participants/participant-directory.js";
import { type ComponentMetrics, createNoopMetrics } from "../services/metrics.js";

/**
 * Why a frame left the pipeline without being written. A bounded set: it is a metric label.
 * - `queue-full`: its stream's queue was full (`drop-oldest` / `drop-newest`).
 * - `memory-budget`: the in-flight byte budget was spent (under `block`: twice the budget, reached
 *   only by a source that keeps sending while paused).
 * - `filtered`: a transform returned `null` (or no frame); intended, not an error.
 * - `error`: a transform or sink failed for good and `onError` is `drop` (or `fail`).
 * - `dead-letter`: failed for good and written to the dead-letter directory.
 * - `shutdown`: still waiting when a forced stop gave up.
 */
export type DropReason = "queue-full" | "memory-budget" | "filtered" | "error" | "dead-letter" | "shutdown";

/**
 * What the runtime reports while it runs. The Prometheus implementation is
 * {@link PrometheusPipelineMetrics}; hosts may pass their own. `component` is always a component id
 * from the config and `reason`/`stage` come from small fixed sets, so label sets stay bounded:
 * nothing is ever labelled by participant.
 */
export interface PipelineMetrics {
  /** A source ingested a frame, or a transform/sink received one from upstream. */
  frameReceived(component: string): void;
  /** A transform emitted a frame, or a sink finished writing one. */
  frameSent(component: string): void;
  frameDropped(component: string, reason: DropReason): void;
  error(component: string, stage: ErrorStage): void;
  /** Receive → sink write done, in seconds, observed by the sink. */
  latency(component: string, seconds: number): void;
  /** Frames ingested and not yet written or dropped, all streams together. */
  queueDepth(value: number): void;
  /** Bytes of those frames (as ingested). */
  inFlightBytes(value: number): void;
  /** Participant groups currently open. */
  activeGroups(value: number): void;
  /**
   * Called once with a reader of what the runtime remembers of participants (counts, estimated
   * bytes, how many were forgotten and why), to read whenever metrics are collected: nothing is
   * reported per event. Optional, so that hosts' own implementations need not change.
   */
  observeParticipants?(read: () => ParticipantDirectoryStats): void;
  /** The metric factory handed to a plugin through its context. */
  forComponent(id: string): ComponentMetrics;
}

/** Metrics that record nothing. */
export function createNoopPipelineMetrics(): PipelineMetrics {
  const ignore = () => {};
  const componentMetrics = createNoopMetrics();
  return {
    frameReceived: ignore,
    frameSent: ignore,
    frameDropped: ignore,
    error: ignore,
    latency: ignore,
    queueDepth: ignore,
    inFlightBytes: ignore,
    activeGroups: ignore,
    forComponent: () => componentMetrics,
  };
}
