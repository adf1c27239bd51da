import { describeError, isTransientError } from "../errors/framepipe-error.js";
import type { StreamInfo, StreamKey } from "../model/stream-key.js";
import type { VideoFrame } from "../model/video-frame.js";
import type { GroupEnd, StreamEnd } from "../participants/group-end.js";
import type { Logger } from "../services/logger.js";
import { type Clock, sleep } from "./clock.js";
import type { ComponentHealth } from "./component-health.js";
import type { RuntimeComponent } from "./create-components.js";
import type { FairScheduler, StepOwner } from "./fair-scheduler.js";
import type { FlowControl, ItemOutcome, Ticket } from "./flow-control.js";
import type { FrameFailures } from "./frame-failures.js";
import { type Linkable, LinkedQueue } from "./linked-queue.js";
import { nextRetryDelay, RETRY_MAX_ATTEMPTS } from "./retry.js";
import type { RuntimeCounters } from "./runtime-counters.js";
import type { WorkTracker } from "./work-tracker.js";

/** `linkedIn`: the lane queue (or held queue) the item waits in; null while running or once gone. */
interface ItemPlacement extends Linkable<LaneItem> {
  lane: Lane | null;
}

/** A frame on its way to one consumer. Fan-out gives each consumer its own item for the same frame object. */
export interface FrameItem extends ItemPlacement {
  readonly kind: "frame";
  readonly frame: VideoFrame;
  readonly ticket: Ticket;
  /** Which input edge of the consumer it came through. */
  readonly input: number;
}

/** An end-of-stream marker on one input edge. */
export interface EndItem extends ItemPlacement {
  readonly kind: "end";
  readonly end: StreamEnd;
  readonly input: number;
}

export type { GroupEnd, StreamEnd };

/** How an operation that may be retried ended. */
export type AttemptOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: unknown; readonly attempts: number };

/** Anything a lane carries. */
export type LaneItem = FrameItem | EndItem;

/** The shared objects every node works with. None of them calls back into the engine. */
export interface NodeRuntime {
  readonly scheduler: FairScheduler<Lane>;
  readonly flow: FlowControl;
  readonly counters: RuntimeCounters;
  readonly failures: FrameFailures;
  /** Which sinks are failing now. */
  readonly health: ComponentHealth;
  readonly work: WorkTracker;
  readonly clock: Clock;
  /** Aborted when the pipeline gives up: cuts retry backoffs short. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** An edge to a consumer: the consumer and which of its inputs the edge is. */
export interface Edge {
  readonly node: LaneNode;
  readonly input: number;
}

/** Any node of the running graph: it knows its consumers and hands them frames and end markers. */
export abstract class GraphNode {
  readonly id: string;
  readonly component: RuntimeComponent;
  readonly consumers: Edge[] = [];
  protected readonly runtime: NodeRuntime;

  constructor(component: RuntimeComponent, runtime: NodeRuntime) {
    this.id = component.config.id;
    this.component = component;
    this.runtime = runtime;
  }

  /** Sends a frame to every consumer, each getting its own item that holds `ticket`. */
  forward(frame: VideoFrame, ticket: Ticket, stream: StreamInfo): void {
    const { counters, flow, work } = this.runtime;
    if (work.abandoned) return;
    for (const edge of this.consumers) {
      const item: FrameItem = {
        kind: "frame",
        frame,
        ticket,
        input: edge.input,
        lane: null,
        linkedIn: null,
        linkPrevious: null,
        linkNext: null,
      };
      ticket.items.push(item);
      counters.received(edge.node.id);
      edge.node.accept(stream, item);
    }
    // Nobody to hand it to (a hand-built graph): the frame is done.
    if (ticket.items.length === 0) flow.settle(ticket);
  }

  /** Sends a stream's end marker to every consumer. */
  forwardEnd(end: StreamEnd): void {
    for (const edge of this.consumers) {
      const item: EndItem = {
        kind: "end",
        end,
        input: edge.input,
        lane: null,
        linkedIn: null,
        linkPrevious: null,
        linkNext: null,
      };
      edge.node.accept(end.stream, item);
    }
  }
}

/**
 * A transform or sink node. It keeps one {@link Lane} per stream, which is what keeps per-stream
 * order, and runs one step at a time per lane when the {@link FairScheduler} gives the lane a
 * turn: `process` for a frame (the transform or the write, with retries, then forward), `end` for
 * an end marker. Subclasses say what those steps do; the bookkeeping around them is here.
 */
export abstract class LaneNode extends GraphNode implements StepOwner<Lane> {
  /** Distinct inputs: an end marker passes a lane once every input delivered its own. */
  readonly inputCount: number;
  /** Per-stream lanes, alive from a stream's first item to its end. */
  readonly lanes = new Map<StreamKey, Lane>();
  readonly concurrency: number;
  active = 0;
  readonly parked = new LinkedQueue<Lane>();

  constructor(component: RuntimeComponent, runtime: NodeRuntime, inputCount: number, concurrency: number) {
    super(component, runtime);
    this.inputCount = inputCount;
    this.concurrency = concurrency;
  }

  /** Does what this node does with one frame; says how the frame's item ended. Never throws for a plugin's failure. */
  protected abstract process(lane: Lane, item: FrameItem): Promise<ItemOutcome>;

  /** Handles a stream's end marker (finalise outputs, pass the marker on). */
  protected abstract end(lane: Lane, end: StreamEnd): Promise<void>;

  /** Items waiting in this node's lanes. */
  get waiting(): number {
    let waiting = 0;
    for (const lane of this.lanes.values()) waiting += lane.waiting;
    return waiting;
  }

  /** Takes an item into its stream's lane and asks the scheduler for a turn. */
  accept(stream: StreamInfo, item: LaneItem): void {
    const { work, scheduler } = this.runtime;
    if (work.abandoned) return;
    let lane = this.lanes.get(stream.key);
    if (!lane) {
      lane = new Lane(this, stream);
      this.lanes.set(stream.key, lane);
    }
    work.add(1);
    const absorbed = lane.accept(item);
    if (absorbed > 0) work.done(absorbed);
    if (!lane.busy && lane.queue.size > 0) scheduler.enqueue(lane);
    else this.#forgetIfIdle(lane);
  }

  /** The scheduler's turn for `lane`: runs its next item. */
  runStep(lane: Lane): void {
    const item = lane.busy ? undefined : lane.queue.shift();
    if (!item) {
      this.#forgetIfIdle(lane);
      this.runtime.scheduler.stepDone(this);
      return;
    }
    lane.busy = true;
    if (item.kind === "frame") {
      item.ticket.started = true;
      item.ticket.running += 1;
    }
    void this.#step(lane, item);
  }

  /** Takes a waiting item out of its lane (a `drop-oldest` eviction); the caller settles it. */
  discard(item: LaneItem): void {
    const lane = item.lane;
    if (!lane?.remove(item)) return;
    this.runtime.work.done(1);
    this.#forgetIfIdle(lane);
  }

  /** Gives up (forced stop, failure): waiting frames are dropped as `shutdown`. */
  abandon(): void {
    const { counters, flow } = this.runtime;
    for (const lane of this.lanes.values()) {
      for (const item of [...lane.waitingItems()]) {
        lane.remove(item);
        if (item.kind !== "frame") continue;
        counters.dropped(this.id, "shutdown");
        flow.finish(item, "shutdown");
      }
      // Dropped without flushing: nothing it holds could be written any more.
      lane.operator?.dispose();
      lane.operator = null;
    }
    this.lanes.clear();
  }

  /**
   * How long, in milliseconds, transient failures are retried (see {@link retryStartedAt}); 0:
   * {@link RETRY_MAX_ATTEMPTS} attempts in all instead. 0 here; a sink says otherwise through its
   * instance's `retryFor`.
   */
  protected get retryFor(): number {
    return 0;
  }

  /**
   * When the time {@link retryFor} counts from began, for an item whose own first failure was at
   * `firstFailure`: that moment here. A sink counts from when it started failing, if earlier.
   */
  protected retryStartedAt(firstFailure: number): number {
    return firstFailure;
  }

  /**
   * Goes on after the first attempt of `operation` (a transform's `process`, a sink's `write`)
   * failed with `error`: retries failures marked transient, with backoff, for
   * {@link RETRY_MAX_ATTEMPTS} attempts in all, or for {@link retryFor} when set. The step's slot
   * is given back while a backoff runs, so other streams go on meanwhile; the item stays in its
   * lane, so under `block` flow control holds the sources back. (The first attempt is the step's
   * own plain `await`: a step that succeeds pays nothing for retries.) `failed` hears of every
   * failed attempt, the first one included.
   */
  protected async retry<T>(
    operation: () => T | PromiseLike<T>,
    error: unknown,
    failed?: (error: unknown) => void,
  ): Promise<AttemptOutcome<T>> {
    const { scheduler, clock, signal, work } = this.runtime;
    const retryFor = this.retryFor;
    const firstFailure = clock.now();
    let failure = error;
    for (let attempts = 1; ; attempts += 1) {
      failed?.(failure);
      const elapsed = clock.now() - this.retryStartedAt(firstFailure);
      const delay = isTransientError(failure) && !work.abandoned ? nextRetryDelay(attempts, elapsed, retryFor) : null;
      if (delay === null) return { ok: false, error: failure, attempts };
      await scheduler.releaseWhile(this, sleep(clock, delay, signal));
      if (work.abandoned) return { ok: false, error: failure, attempts };
      try {
        return { ok: true, value: await operation(), attempts: attempts + 1 };
      } catch (next) {
        failure = next;
      }
    }
  }

  /** Runs `operation` with its retries: the first attempt, then {@link retry} if it failed. */
  protected async attempt<T>(operation: () => T | PromiseLike<T>): Promise<AttemptOutcome<T>> {
    try {
      return { ok: true, value: await operation(), attempts: 1 };
    } catch (error) {
      return this.retry(operation, error);
    }
  }

  async #step(lane: Lane, item: LaneItem): Promise<void> {
    const { flow, work, scheduler, logger } = this.runtime;
    let outcome: ItemOutcome = "forwarded";
    try {
      if (item.kind === "end") await this.end(lane, item.end);
      else outcome = await this.process(lane, item);
    } catch (error) {
      // Plugin failures are handled inside the steps: this is a runtime bug, kept from killing the lane.
      logger.error({ component: this.component.label, error: describeError(error) }, "step failed");
      outcome = "error";
    }
    lane.busy = false;
    if (item.kind === "frame") {
      item.ticket.running -= 1;
      flow.finish(item, outcome);
    }
    work.done(1);
    // The slot is freed before the lane queues again, so a lane parked meanwhile goes first.
    scheduler.stepDone(this);
    if (lane.queue.size > 0) scheduler.enqueue(lane);
    else this.#forgetIfIdle(lane);
  }

  #forgetIfIdle(lane: Lane): void {
    if (lane.idle && this.lanes.get(lane.stream.key) === lane) this.lanes.delete(lane.stream.key);
  }
}

/**
 * One stream at one node: a FIFO processed one item at a time. Fan-in merges the node's inputs
 * into this one lane; an end marker is let through only once every input delivered its own, and
 * what an input sends after its marker (the stream's next group) is held back until then, so it
 * cannot overtake the end.
 */
export class Lane implements Linkable<Lane> {
  readonly node: LaneNode;
  readonly stream: StreamInfo;
  readonly queue = new LinkedQueue<LaneItem>();
  /** Items of inputs that already ended the current round. */
  held: LinkedQueue<LaneItem> | null = null;
  readonly endedInputs = new Set<number>();
  busy = false;
  /** Waiting in the scheduler (its ready ring or its owner's parked queue). */
  scheduled = false;
  /**
   * A frame was processed here since the stream's last end: sinks call `endStream` only then, and
   * the lane is kept until that end passes (so an idle moment between two frames does not cost a
   * new lane per frame; lanes stay bounded by the open streams).
   */
  touched = false;
  /** A transform's per-stream operator, alive from the stream's first frame to its end. */
  operator: { dispose(): void } | null = null;
  linkedIn: object | null = null;
  linkPrevious: Lane | null = null;
  linkNext: Lane | null = null;

  constructor(node: LaneNode, stream: StreamInfo) {
    this.node = node;
    this.stream = stream;
  }

  /** The node that runs this lane's steps. */
  get owner(): LaneNode {
    return this.node;
  }

  /** Items waiting, held ones included. */
  get waiting(): number {
    return this.queue.size + (this.held?.size ?? 0);
  }

  /** Nothing waiting, running, half-ended or to finalise: the lane may be forgotten. */
  get idle(): boolean {
    return (
      !this.busy &&
      !this.scheduled &&
      !this.touched &&
      !this.operator &&
      this.waiting === 0 &&
      this.endedInputs.size === 0
    );
  }

  /**
   * Takes an item from input `item.input`. Returns the items absorbed on the way (end markers of
   * all inputs but the last): they carry no further work.
   */
  accept(item: LaneItem): number {
    if (this.endedInputs.has(item.input)) {
      this.held ??= new LinkedQueue();
      this.#place(item, this.held);
      return 0;
    }
    if (item.kind === "frame") {
      this.#place(item, this.queue);
      return 0;
    }
    this.endedInputs.add(item.input);
    if (this.endedInputs.size < this.node.inputCount) return 1;
    this.endedInputs.clear();
    this.#place(item, this.queue);
    return this.#releaseHeld();
  }

  /** Removes a waiting item; false when it was not waiting here. */
  remove(item: LaneItem): boolean {
    return this.queue.remove(item) || (this.held?.remove(item) ?? false);
  }

  /** Every waiting item, held ones included. */
  *waitingItems(): IterableIterator<LaneItem> {
    yield* this.queue;
    if (this.held) yield* this.held;
  }

  #place(item: LaneItem, container: LinkedQueue<LaneItem>): void {
    item.lane = this;
    container.push(item);
  }

  #releaseHeld(): number {
    const held = this.held;
    this.held = null;
    let absorbed = 0;
    if (held) {
      for (const item of held) {
        held.remove(item);
        absorbed += this.accept(item);
      }
    }
    return absorbed;
  }
}
