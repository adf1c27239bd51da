import type { GroupInfo, StreamInfo } from "../model/stream-key.js";
import type { VideoFrame } from "../model/video-frame.js";
import type { Ticket } from "./flow-control.js";
import { type Linkable, LinkedQueue } from "./linked-queue.js";
import type { StepCallbacks } from "./node-steps.js";
import type { OperatorState } from "./operator-runner.js";
import type { GraphNode } from "./pipeline-graph.js";

/** One group ending: shared by the end markers of all its streams. */
export interface GroupEnd {
  readonly info: GroupInfo;
  /** How many streams the group had, i.e. how many markers a sink waits for before `endGroup`. */
  readonly streamCount: number;
}

/** The end of one stream of an ending group. */
export interface StreamEnd {
  readonly stream: StreamInfo;
  readonly group: GroupEnd;
}

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
  running: boolean;
}

/** An end-of-stream marker on one input edge. */
export interface EndItem extends ItemPlacement {
  readonly kind: "end";
  readonly end: StreamEnd;
  readonly input: number;
}

/** Anything a lane carries. */
export type LaneItem = FrameItem | EndItem;

/** Creates a frame item, not yet placed in a lane. */
export function frameItem(frame: VideoFrame, ticket: Ticket, input: number): FrameItem {
  return {
    kind: "frame",
    frame,
    ticket,
    input,
    running: false,
    lane: null,
    linkedIn: null,
    linkPrevious: null,
    linkNext: null,
  };
}

/** Creates an end marker item for one input edge. */
export function endItem(end: StreamEnd, input: number): EndItem {
  return { kind: "end", end, input, lane: null, linkedIn: null, linkPrevious: null, linkNext: null };
}

/**
 * One stream at one node: a FIFO processed one item at a time, which is what keeps per-stream
 * order through async transforms and sinks. Fan-in merges the node's inputs into this one lane;
 * an end marker is let through only once every input delivered its own, and what an input sends
 * after its marker (the stream's next group) is held back until then, so it cannot overtake the end.
 */
export class Lane implements Linkable<Lane> {
  readonly node: GraphNode;
  readonly stream: StreamInfo;
  readonly queue = new LinkedQueue<LaneItem>();
  /** Items of inputs that already ended the current round. */
  held: LinkedQueue<LaneItem> | null = null;
  readonly endedInputs = new Set<number>();
  busy = false;
  /** The item being processed while `busy`: lets the engine finish each step exactly once. */
  current: LaneItem | null = null;
  /** In the scheduler's ready ring. */
  scheduled = false;
  /**
   * A frame was processed here since the stream's last end: sinks call `endStream` only then, and
   * the lane is kept until that end passes (so an idle moment between two frames does not cost a
   * new lane per frame; lanes stay bounded by the open streams).
   */
  touched = false;
  operator: OperatorState | null = null;
  /** Made by the node's steps on the lane's first asynchronous step. */
  stepCallbacks: StepCallbacks | null = null;
  /** Links of the scheduler's ready ring. */
  linkedIn: object | null = null;
  linkPrevious: Lane | null = null;
  linkNext: Lane | null = null;

  constructor(node: GraphNode, stream: StreamInfo) {
    this.node = node;
    this.stream = stream;
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

  /** Takes the next item to run. */
  shift(): LaneItem | undefined {
    return this.queue.shift();
  }

  /** Removes a waiting item (a `drop-oldest` eviction, a forced stop). */
  remove(item: LaneItem): void {
    if (!this.queue.remove(item)) this.held?.remove(item);
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
