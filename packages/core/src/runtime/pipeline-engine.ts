import { Subject } from "rxjs";
import type { PipelineConfig } from "../config/pipeline-config.js";
import type { ErrorStage, FramepipeError } from "../errors/framepipe-error.js";
import type { GroupEndReason, StreamInfo } from "../model/stream-key.js";
import type { VideoFrame } from "../model/video-frame.js";
import { GroupTracker } from "../participants/group-tracker.js";
import { ParticipantDirectory } from "../participants/participant-directory.js";
import type { RecallEvent } from "../recall/recall-event.js";
import type { Logger } from "../services/logger.js";
import type { Clock } from "./clock.js";
import type { ComponentHealth } from "./component-health.js";
import type { RuntimeComponent } from "./create-components.js";
import { DroppedMemoryReclaimer } from "./dropped-memory-reclaimer.js";
import { ErrorLogLimiter } from "./error-log.js";
import { FairScheduler } from "./fair-scheduler.js";
import { FlowControl, type SourceGate } from "./flow-control.js";
import { FrameFailures } from "./frame-failures.js";
import { buildGraph } from "./pipeline-graph.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";
import type { GroupEnd, Lane, LaneNode, NodeRuntime } from "./pipeline-node.js";
import type { RuntimeCounters } from "./runtime-counters.js";
import type { SourceNode } from "./source-node.js";
import { WorkTracker } from "./work-tracker.js";

/** What the engine needs from the pipeline around it. */
export interface EngineOptions {
  readonly config: PipelineConfig;
  readonly components: readonly RuntimeComponent[];
  readonly logger: Logger;
  readonly clock: Clock;
  readonly counters: RuntimeCounters;
  readonly metrics: PipelineMetrics;
  /** Aborted when the pipeline gives up: cuts retry backoffs short. */
  readonly signal: AbortSignal;
  /** Called once when something asks the pipeline to fail (`onError: fail`). */
  readonly onFailure: (error: FramepipeError) => void;
  /** Called when every source's `events$` completed. */
  readonly onSourcesComplete: () => void;
  /** The components' health, shared with their contexts. */
  readonly health: ComponentHealth;
}

/**
 * Builds the graph of nodes and holds what they share: the fair scheduler, flow control, and the
 * participant groups whose ends it sends down the graph. Frames move between the nodes on their
 * own (source → transforms → sinks, see `pipeline-node.ts`); the lifecycle around the engine
 * (start, drain, close) is {@link PipelineController}'s.
 */
export class PipelineEngine {
  readonly events$ = new Subject<RecallEvent>();
  readonly frames$ = new Subject<VideoFrame>();
  readonly nodes: readonly (SourceNode | LaneNode)[];
  readonly flow: FlowControl;
  readonly groups: GroupTracker;
  /** Which sinks are failing now. */
  readonly health: ComponentHealth;
  readonly #sources: readonly SourceNode[];
  readonly #scheduler = new FairScheduler<Lane>();
  readonly #work = new WorkTracker();
  readonly #failures: FrameFailures;
  readonly #errorLog: ErrorLogLimiter;
  readonly #metrics: PipelineMetrics;

  constructor(options: EngineOptions) {
    const { config, clock, counters, metrics, logger } = options;
    this.#metrics = metrics;
    this.#errorLog = new ErrorLogLimiter(clock, logger);
    this.#failures = new FrameFailures({
      counters,
      errorLog: this.#errorLog,
      logger,
      deadLetterDir: config.runtime.deadLetterDir,
      baseDir: config.baseDir,
      fail: options.onFailure,
    });
    const reclaimer = config.runtime.reclaimDroppedMemory
      ? new DroppedMemoryReclaimer({ budgetBytes: config.runtime.maxInFlightBytes, now: () => clock.now() })
      : null;
    this.flow = new FlowControl(config.runtime, { counters, metrics, reclaimer });
    const participants = new ParticipantDirectory();
    metrics.observeParticipants?.(() => participants.stats);
    this.groups = new GroupTracker(participants, config.runtime.idleTimeout, clock, (end, streams) =>
      this.groupEnded(end, streams),
    );
    this.health = options.health;
    const runtime: NodeRuntime = {
      scheduler: this.#scheduler,
      flow: this.flow,
      counters,
      failures: this.#failures,
      health: this.health,
      work: this.#work,
      clock,
      signal: options.signal,
      logger,
    };
    const graph = buildGraph(options.components, runtime, {
      groups: this.groups,
      metrics,
      events$: this.events$,
      frames$: this.frames$,
      sourceCompleted: () => {
        if (this.#sources.every((source) => source.isComplete)) options.onSourcesComplete();
      },
    });
    this.nodes = graph.nodes;
    this.#sources = graph.sources;
    for (const node of this.nodes) counters.addComponent(node.id, node.component.kind, node.component.config.type);
  }

  /** The pause gate of a source, by id. */
  gate(id: string): SourceGate | undefined {
    return this.#sources.find((source) => source.id === id)?.gate;
  }

  /** Subscribes to a started source's events. */
  attach(id: string): void {
    this.#sources.find((source) => source.id === id)?.attach();
  }

  /** Stops listening to the sources: nothing they emit afterwards is accepted. */
  detach(): void {
    for (const source of this.#sources) source.detach();
  }

  /** Resolves when no item is waiting or running anywhere. */
  whenIdle(): Promise<void> {
    return this.#work.whenIdle();
  }

  /** Ends every open group: their end markers follow the frames already accepted. */
  endAllGroups(reason: GroupEndReason): void {
    this.groups.endAll(reason);
  }

  /** A group ended (leave, idle, shutdown): every source sends each of its streams' end down the graph. */
  groupEnded(end: GroupEnd, streams: readonly StreamInfo[]): void {
    this.#metrics.activeGroups(this.groups.size);
    for (const stream of streams) {
      for (const source of this.#sources) source.forwardEnd({ stream, group: end });
    }
  }

  /**
   * Counts and logs a component failure outside a frame (`flush`, `close`, a source's `stop`);
   * `applyPolicy` lets `onError: fail` fail the pipeline.
   */
  componentFailed(id: string, error: unknown, stage: ErrorStage, applyPolicy: boolean): void {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (node) this.#failures.componentFailed(node, error, stage, {}, applyPolicy);
  }

  /** The dead-letter directory (absolute) once a frame was written there, else null. */
  get deadLetterDirectory(): string | null {
    return this.#failures.usedDeadLetterDirectory;
  }

  /** Reports the failures held back by log rate limiting. */
  flushLogs(): void {
    this.#errorLog.flush();
  }

  /** Items waiting in a node's lanes. */
  waitingAt(node: SourceNode | LaneNode): number {
    return "waiting" in node ? node.waiting : 0;
  }

  /**
   * Gives up (a forced stop or a failure): nothing new starts, waiting frames are dropped as
   * `shutdown`, and the number of accepted frames left unwritten is returned.
   */
  abandon(): number {
    if (this.#work.abandoned) return 0;
    const unwritten = this.flow.depth;
    this.#work.abandon();
    this.#scheduler.close();
    this.detach();
    this.groups.clear();
    for (const node of this.nodes) if ("abandon" in node) node.abandon();
    for (const ticket of [...this.flow.tickets()]) {
      // Items still running count as lost: their sources learn it now, not when the steps give up.
      for (let index = 0; index < ticket.items.length; index += 1) ticket.record("shutdown");
      this.flow.settle(ticket);
    }
    return unwritten;
  }

  /** Completes `events$` and `frames$`. */
  complete(): void {
    this.events$.complete();
    this.frames$.complete();
  }
}
