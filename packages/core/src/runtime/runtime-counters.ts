import type { ErrorStage } from "../errors/framepipe-error.js";
import type { ComponentKind } from "../plugin/plugin-context.js";
import type { DropReason, PipelineMetrics } from "./pipeline-metrics.js";
import type { ComponentStats } from "./pipeline-types.js";

interface MutableComponentCounts {
  readonly kind: ComponentKind;
  readonly type: string;
  received: number;
  sent: number;
  readonly dropped: Partial<Record<DropReason, number>>;
  readonly errors: Partial<Record<ErrorStage, number>>;
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
    this.#components.set(id, { kind, type, received: 0, sent: 0, dropped: {}, errors: {} });
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
