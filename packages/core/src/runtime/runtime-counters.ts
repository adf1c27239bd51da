import type { ErrorStage } from "../errors/framepipe-error.js";
import { componentLabel } from "../plugin/component-label.js";
import type { ComponentKind } from "../plugin/plugin-context.js";
import type { DropReason, PipelineMetrics } from "./pipeline-metrics.js";
import type { ComponentStats, FrameFailureCount } from "./pipeline-types.js";

/** Distinct failure reasons kept per component; the rest are summed up as {@link OTHER_REASONS}. */
export const MAX_FAILURE_REASONS = 8;
/** The reason a failure counts under once a component has {@link MAX_FAILURE_REASONS} others. */
export const OTHER_REASONS = "other reasons";

interface MutableFailureCount {
  lost: number;
  deadLettered: number;
}

interface MutableComponentCounts {
  readonly kind: ComponentKind;
  readonly type: string;
  received: number;
  sent: number;
  readonly dropped: Partial<Record<DropReason, number>>;
  readonly errors: Partial<Record<ErrorStage, number>>;
  /** Frames that failed for good, by reason (at most {@link MAX_FAILURE_REASONS} and the rest). */
  readonly failures: Map<string, MutableFailureCount>;
}

function increment<K extends string>(record: Partial<Record<K, number>>, key: K, amount = 1): void {
  record[key] = (record[key] ?? 0) + amount;
}

/**
 * The single place the runtime counts: it keeps the numbers behind `stats()` and the summary, and
 * forwards each count to the {@link PipelineMetrics}, so the two can never disagree.
 */
export class RuntimeCounters {
  readonly #metrics: PipelineMetrics;
  readonly #components = new Map<string, MutableComponentCounts>();
  readonly #events: Record<string, number> = {};
  readonly #dropped: Partial<Record<DropReason, number>> = {};
  #errors = 0;

  constructor(metrics: PipelineMetrics) {
    this.#metrics = metrics;
  }

  addComponent(id: string, kind: ComponentKind, type: string): void {
    this.#components.set(id, { kind, type, received: 0, sent: 0, dropped: {}, errors: {}, failures: new Map() });
  }

  event(kind: string): void {
    increment(this.#events, kind);
  }

  received(component: string): void {
    const counts = this.#components.get(component);
    if (counts) counts.received += 1;
    this.#metrics.frameReceived(component);
  }

  sent(component: string, latencySeconds?: number): void {
    const counts = this.#components.get(component);
    if (counts) counts.sent += 1;
    this.#metrics.frameSent(component);
    if (latencySeconds !== undefined) this.#metrics.latency(component, Math.max(0, latencySeconds));
  }

  dropped(component: string, reason: DropReason): void {
    const counts = this.#components.get(component);
    if (counts) increment(counts.dropped, reason);
    increment(this.#dropped, reason);
    this.#metrics.frameDropped(component, reason);
  }

  error(component: string, stage: ErrorStage): void {
    const counts = this.#components.get(component);
    if (counts) increment(counts.errors, stage);
    this.#errors += 1;
    this.#metrics.error(component, stage);
  }

  /**
   * A frame failed for good at `component` for `reason` (a few words, see `failureReason`), and
   * was dropped or dead-lettered: kept for the summary. Its drop is counted by {@link dropped}.
   */
  frameFailed(component: string, reason: string, deadLettered: boolean): void {
    const failures = this.#components.get(component)?.failures;
    if (!failures) return;
    const key = failures.has(reason) || failures.size < MAX_FAILURE_REASONS ? reason : OTHER_REASONS;
    let count = failures.get(key);
    if (!count) {
      count = { lost: 0, deadLettered: 0 };
      failures.set(key, count);
    }
    if (deadLettered) count.deadLettered += 1;
    else count.lost += 1;
  }

  /** Frames that failed for good, by component (in creation order) and reason. */
  failures(): FrameFailureCount[] {
    const result: FrameFailureCount[] = [];
    for (const [id, counts] of this.#components) {
      const label = componentLabel({ kind: counts.kind, type: counts.type, id });
      for (const [reason, count] of counts.failures) result.push({ component: id, label, reason, ...count });
    }
    return result;
  }

  /** Frames ingested from every source. */
  get totalReceived(): number {
    let total = 0;
    for (const counts of this.#components.values()) if (counts.kind === "source") total += counts.received;
    return total;
  }

  /** Frames written per sink id. */
  writtenBySink(): Record<string, number> {
    const written: Record<string, number> = {};
    for (const [id, counts] of this.#components) if (counts.kind === "sink") written[id] = counts.sent;
    return written;
  }

  get errors(): number {
    return this.#errors;
  }

  droppedByReason(): Partial<Record<DropReason, number>> {
    return { ...this.#dropped };
  }

  eventsByKind(): Record<string, number> {
    return { ...this.#events };
  }

  /** A copy of one component's counters, with the live values the caller knows. */
  componentStats(id: string, queued: number, paused?: boolean): ComponentStats | undefined {
    const counts = this.#components.get(id);
    if (!counts) return undefined;
    return {
      kind: counts.kind,
      type: counts.type,
      received: counts.received,
      sent: counts.sent,
      dropped: { ...counts.dropped },
      errors: { ...counts.errors },
      queued,
      ...(paused === undefined ? {} : { paused }),
    };
  }
}
