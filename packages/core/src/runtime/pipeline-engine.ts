import { Subject } from "rxjs";
import type { PipelineConfig } from "../config/pipeline-config.js";
import { describeError, type ErrorStage, type FramepipeError, isTransientError } from "../errors/framepipe-error.js";
import type { GroupEndReason, StreamInfo } from "../model/stream-key.js";
import type { VideoFrame } from "../model/video-frame.js";
import type { RecallEvent } from "../recall/recall-event.js";
import type { Logger } from "../services/logger.js";
import { type Clock, sleep } from "./clock.js";
import type { RuntimeComponent } from "./create-components.js";
import { DroppedMemoryReclaimer } from "./dropped-memory-reclaimer.js";
import { ErrorLogLimiter } from "./error-log.js";
import { FairScheduler } from "./fair-scheduler.js";
import { FlowControl, SourceGate, type Ticket } from "./flow-control.js";
import { FrameFailures } from "./frame-failures.js";
import { GroupTracker } from "./group-tracker.js";
import { endItem, type FrameItem, frameItem, Lane, type LaneItem, type StreamEnd } from "./lane.js";
import { isFrame, NodeSteps } from "./node-steps.js";
import { OperatorRunner } from "./operator-runner.js";
import { ParticipantDirectory } from "./participant-directory.js";
import { buildGraph, type GraphNode } from "./pipeline-graph.js";
import type { DropReason, PipelineMetrics } from "./pipeline-metrics.js";
import type { RuntimeCounters } from "./runtime-counters.js";
import { type SourceEntry, SourceIngest } from "./source-ingest.js";

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
  /** Called when the last source's `events$` completed. */
  readonly onSourcesComplete: () => void;
}

/**
 * Runs the graph: ingests events from the sources, moves frames through per-stream lanes under the
 * fair scheduler, applies flow control and group lifecycle, and reports failures. The lifecycle
 * around it (start, drain, close) is {@link PipelineController}'s.
 */
export class PipelineEngine {
  readonly events$ = new Subject<RecallEvent>();
  readonly frames$ = new Subject<VideoFrame>();
  readonly nodes: readonly GraphNode[];
  readonly flow: FlowControl;
  readonly groups: GroupTracker;
  readonly #options: EngineOptions;
  readonly #sources = new Map<string, SourceEntry>();
  readonly #scheduler: FairScheduler<Lane>;
  readonly #failures: FrameFailures;
  readonly #errorLog: ErrorLogLimiter;
  readonly #ingest: SourceIngest;
  readonly #steps: NodeSteps;
  readonly #operators: OperatorRunner;
  /** Items in lanes (waiting, held or running): zero means quiescent. */
  #work = 0;
  #idleWaiters: Array<() => void> = [];
  #abandoned = false;
  readonly #reclaimer: DroppedMemoryReclaimer | null;

  constructor(options: EngineOptions) {
    this.#options = options;
    const { config, clock, counters, metrics, logger } = options;
    this.#reclaimer =
      config.runtime.reclaimDroppedMemory === false
        ? null
        : new DroppedMemoryReclaimer({ budgetBytes: config.runtime.maxInFlightBytes, now: () => clock.now() });
    this.nodes = buildGraph(options.components);
    for (const node of this.nodes) {
      counters.addComponent(node.id, node.component.kind, node.component.config.type);
      if (node.component.kind === "source") {
        const gate = new SourceGate(node.id, node.component.instance, node.component.logger);
        this.#sources.set(node.id, { node, gate, subscription: null, completed: false });
      }
    }
    this.flow = new FlowControl(
      config.runtime,
      [...this.#sources.values()].map((entry) => entry.gate),
      {
        evict: (ticket, reason) => this.#evict(ticket, reason),
        released: (bytes, inFlightBytes) => this.#reclaimer?.released(bytes, inFlightBytes),
        changed: (depth, bytes) => {
          metrics.queueDepth(depth);
          metrics.inFlightBytes(bytes);
        },
      },
    );
    this.groups = new GroupTracker(new ParticipantDirectory(), config.runtime.idleTimeout, clock, (end, streams) => {
      metrics.activeGroups(this.groups.size);
      for (const stream of streams) this.#injectEnd({ stream, group: end });
    });
    this.#scheduler = new FairScheduler(config.runtime.concurrency, (lane) => this.#runStep(lane));
    this.#errorLog = new ErrorLogLimiter(clock, logger);
    this.#failures = new FrameFailures({
      counters,
      errorLog: this.#errorLog,
      logger,
      deadLetterDir: config.runtime.deadLetterDir,
      baseDir: config.baseDir,
      fail: (error) => options.onFailure(error),
    });
    this.#ingest = new SourceIngest({
      sources: this.#sources,
      flow: this.flow,
      groups: this.groups,
      counters,
      metrics,
      failures: this.#failures,
      events$: this.events$,
      frames$: this.frames$,
      dispatch: (node, frame, ticket, stream) => this.#dispatch(node, frame, ticket, stream),
      onSourcesComplete: options.onSourcesComplete,
      onDroppedBytes: (bytes) => this.#reclaimer?.released(bytes, this.flow.bytes),
      stopped: () => this.#abandoned,
    });
    const operators = new OperatorRunner({
      failures: this.#failures,
      emit: (lane, frame) => this.#operatorOutput(lane, frame),
      dropped: (lane, count) => {
        for (let index = 0; index < count; index += 1) counters.dropped(lane.node.id, "filtered");
      },
    });
    this.#steps = new NodeSteps({
      counters,
      clock,
      failures: this.#failures,
      operators,
      retry: {
        isTransient: isTransientError,
        wait: (milliseconds) => this.#scheduler.releaseWhile(sleep(clock, milliseconds, options.signal)),
        stopped: () => this.#abandoned,
      },
      dispatch: (node, frame, ticket, stream) => this.#dispatch(node, frame, ticket, stream),
      deliver: (node, stream, item) => this.#deliver(node, stream, item),
      finished: (lane, item, error) => this.#stepFinished(lane, item, error),
    });
    this.#operators = operators;
  }

  /** The pause gate of a source, by id. */
  gate(id: string): SourceGate | undefined {
    return this.#sources.get(id)?.gate;
  }

  /** Subscribes to a started source's events. */
  attach(id: string): void {
    this.#ingest.attach(id);
  }

  /** Stops listening to the sources: nothing they emit afterwards is accepted. */
  detach(): void {
    this.#ingest.detachAll();
  }

  /** Resolves when no item is waiting or running anywhere. */
  whenIdle(): Promise<void> {
    if (this.#work === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Ends every open group: their end markers follow the frames already accepted. */
  endAllGroups(reason: GroupEndReason): void {
    this.groups.endAll(reason);
  }

  /**
   * Counts and logs a component failure outside a frame (`flush`, `close`, a source's `stop`);
   * `applyPolicy` lets `onError: fail` fail the pipeline.
   */
  componentFailed(id: string, error: unknown, stage: ErrorStage, applyPolicy: boolean): void {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (node) this.#failures.componentFailed(node, error, stage, {}, applyPolicy);
  }

  /** Reports the failures held back by log rate limiting. */
  flushLogs(): void {
    this.#errorLog.flush();
  }

  /** Items waiting in a node's lanes. */
  waitingAt(node: GraphNode): number {
    let waiting = 0;
    for (const lane of node.lanes.values()) waiting += lane.waiting;
    return waiting;
  }

  /**
   * Gives up (a forced stop or a failure): nothing new starts, waiting frames are dropped as
   * `shutdown`, and the number of accepted frames left unwritten is returned.
   */
  abandon(): number {
    if (this.#abandoned) return 0;
    this.#abandoned = true;
    this.#scheduler.close();
    this.detach();
    this.groups.clear();
    const unwritten = this.flow.depth;
    for (const node of this.nodes) {
      for (const lane of node.lanes.values()) {
        for (const item of [...lane.waitingItems()]) {
          lane.remove(item);
          if (item.kind === "frame") {
            this.#options.counters.dropped(node.id, "shutdown");
            item.ticket.removeItem(item);
          }
        }
        this.#operators.dispose(lane);
      }
      node.lanes.clear();
    }
    for (const ticket of [...this.flow.tickets()]) this.flow.release(ticket);
    this.#work = 0;
    this.#notifyIdle();
    return unwritten;
  }

  /** Completes `events$` and `frames$`. */
  complete(): void {
    this.events$.complete();
    this.frames$.complete();
  }

  /** Sends a frame to every consumer of `node`, each item holding `ticket`. */
  #dispatch(node: GraphNode, frame: VideoFrame, ticket: Ticket, stream: StreamInfo): void {
    if (this.#abandoned) return;
    for (const edge of node.consumers) {
      const item = frameItem(frame, ticket, edge.input);
      ticket.items.push(item);
      this.#options.counters.received(edge.node.id);
      this.#deliver(edge.node, stream, item);
    }
    if (ticket.items.length === 0) this.flow.release(ticket);
  }

  /** An end marker leaves every source on every edge, so each input of each node sees it exactly once. */
  #injectEnd(end: StreamEnd): void {
    for (const entry of this.#sources.values()) {
      for (const edge of entry.node.consumers) this.#deliver(edge.node, end.stream, endItem(end, edge.input));
    }
  }

  #deliver(node: GraphNode, stream: StreamInfo, item: LaneItem): void {
    if (this.#abandoned) return;
    let lane = node.lanes.get(stream.key);
    if (!lane) {
      lane = new Lane(node, stream);
      node.lanes.set(stream.key, lane);
    }
    this.#work += 1;
    const absorbed = lane.accept(item);
    if (absorbed > 0) this.#workDone(absorbed);
    if (!lane.busy && lane.queue.size > 0) this.#scheduler.enqueue(lane);
    else this.#forgetIfIdle(lane);
  }

  /** Starts the next item of a ready lane; {@link #stepFinished} follows, now or later. */
  #runStep(lane: Lane): void {
    const item = lane.busy ? undefined : lane.shift();
    if (!item) {
      this.#forgetIfIdle(lane);
      this.#scheduler.stepDone();
      return;
    }
    lane.busy = true;
    lane.current = item;
    if (item.kind === "frame") {
      item.running = true;
      item.ticket.running += 1;
    }
    try {
      this.#steps.run(lane, item);
    } catch (error) {
      this.#stepFinished(lane, item, error);
    }
  }

  /** A step is over (once per step: a repeated call is ignored). `error` is a runtime bug. */
  #stepFinished(lane: Lane, item: LaneItem, error?: unknown): void {
    if (lane.current !== item) return;
    lane.current = null;
    if (error !== undefined) {
      // Plugin errors are handled inside the steps; this one is kept from killing the lane.
      this.#options.logger.error({ component: lane.node.component.label, error: describeError(error) }, "step failed");
    }
    if (item.kind === "frame") {
      item.running = false;
      item.ticket.running -= 1;
      this.#finishItem(item);
    }
    lane.busy = false;
    this.#workDone(1);
    if (lane.queue.size > 0) this.#scheduler.enqueue(lane);
    else this.#forgetIfIdle(lane);
    this.#scheduler.stepDone();
  }

  #operatorOutput(lane: Lane, frame: VideoFrame): void {
    if (this.#abandoned) return;
    const node = lane.node;
    if (!isFrame(frame)) {
      this.#failures.componentFailed(
        node,
        new TypeError("a stream operator emitted something that is not a frame"),
        "transform",
      );
      return;
    }
    this.#options.counters.sent(node.id);
    const ticket = this.flow.charge(lane.stream.key, node.id, frame.image.data.byteLength, frame);
    this.#dispatch(node, frame, ticket, lane.stream);
  }

  /** A `drop-oldest` eviction: every waiting item of the ticket leaves its lane. */
  #evict(ticket: Ticket, reason: DropReason): void {
    this.#options.counters.dropped(ticket.ownerId, reason);
    for (const item of [...ticket.items]) {
      const lane = item.lane;
      lane?.remove(item);
      ticket.removeItem(item);
      this.#workDone(1);
      if (lane) this.#forgetIfIdle(lane);
    }
    this.flow.release(ticket);
  }

  #finishItem(item: FrameItem): void {
    const ticket = item.ticket;
    ticket.removeItem(item);
    if (ticket.items.length === 0) this.flow.release(ticket);
  }

  #forgetIfIdle(lane: Lane): void {
    if (lane.idle && lane.node.lanes.get(lane.stream.key) === lane) lane.node.lanes.delete(lane.stream.key);
  }

  #workDone(count: number): void {
    this.#work = Math.max(0, this.#work - count);
    if (this.#work === 0) this.#notifyIdle();
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
