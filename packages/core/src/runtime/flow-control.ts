import type { OverflowPolicy, RuntimeConfig } from "../config/pipeline-config.js";
import type { StreamKey } from "../model/stream-key.js";
import type { VideoFrame } from "../model/video-frame.js";
import type { FrameOutcome, SourceInstance } from "../plugin/define-plugin.js";
import type { Logger } from "../services/logger.js";
import type { DroppedMemoryReclaimer } from "./dropped-memory-reclaimer.js";
import { type Linkable, LinkedQueue } from "./linked-queue.js";
import type { DropReason, PipelineMetrics } from "./pipeline-metrics.js";
import type { FrameItem } from "./pipeline-node.js";
import type { RuntimeCounters } from "./runtime-counters.js";

/** Under `block`, a stream resumes its sources once its queue is down to this fraction of `runtime.queue`. */
export const QUEUE_LOW_WATER = 0.5;
/** Under `block`, sources resume once in-flight bytes are down to this fraction of the budget. */
export const BYTES_LOW_WATER = 0.75;
/**
 * Under `block`, frames that still arrive after a pause are accepted (a source may flush what it
 * had read, and does so when stopping) up to this multiple of the byte budget; past it they are
 * dropped as `memory-budget`, so memory stays bounded even with a source that ignores `pause()`.
 */
export const BLOCK_HARD_LIMIT = 2;

/** The pause/resume handle of one source. */
export class SourceGate {
  readonly id: string;
  readonly #instance: SourceInstance;
  readonly #logger: Logger;
  /** Streams this source fed that are over their queue bound. */
  blockingStreams = 0;
  paused = false;
  /** Once the runtime stopped listening, the source is not asked to pause or resume any more. */
  #closed = false;

  constructor(id: string, instance: SourceInstance, logger: Logger) {
    this.id = id;
    this.#instance = instance;
    this.#logger = logger;
  }

  close(): void {
    this.#closed = true;
  }

  set(paused: boolean): void {
    if (paused === this.paused || this.#closed) return;
    this.paused = paused;
    try {
      if (paused) this.#instance.pause?.();
      else this.#instance.resume?.();
    } catch (error) {
      this.#logger.warn({ error: String(error) }, paused ? "pause() failed" : "resume() failed");
    }
  }
}

/** Flow-control state of one stream. */
export class StreamFlow {
  readonly key: StreamKey;
  /** Live tickets, oldest first. */
  readonly tickets = new LinkedQueue<Ticket>();
  readonly sources = new Set<SourceGate>();
  /** Over its queue bound under `block`, until back at the low-water mark. */
  blocking = false;

  constructor(key: StreamKey) {
    this.key = key;
  }

  get depth(): number {
    return this.tickets.size;
  }
}

/** How one of a ticket's items ended. `forwarded`: it became the items of the next nodes. */
export type ItemOutcome = "written" | "filtered" | "failed" | "forwarded" | DropReason;

/** Told once when a ticket a source made is finished: a {@link SourceNode}. */
export interface TicketListener {
  ticketSettled(ticket: Ticket): void;
}

/**
 * One accepted frame and everything descending from it: it counts against its stream's queue and
 * the byte budget until its last item (in any lane, any branch of the graph) is written or dropped,
 * and it gathers the {@link FrameOutcome} its source is told of then.
 */
export class Ticket implements Linkable<Ticket> {
  readonly stream: StreamFlow;
  /** The component charged for overflow drops: the ingesting source, or the transform whose operator emitted it. */
  readonly ownerId: string;
  readonly bytes: number;
  /** The frame as accepted, for dead letters. */
  readonly origin: VideoFrame;
  /** The source told when the ticket is finished, and the object it emitted; null for operator output. */
  readonly listener: TicketListener | null;
  readonly emitted: unknown;
  /** Its items alive in lanes (waiting or running); a few at most, one per branch of a fan-out. */
  readonly items: FrameItem[] = [];
  /**
   * A step has started on one of its items (a transform or a write): work was spent on it, so
   * `drop-oldest` evicts it only when no waiting frame of its stream is still untouched. Frames a
   * stream operator emits on its own are born started.
   */
  started = false;
  /** Items of this ticket in a step right now: such a ticket is never evicted. */
  running = 0;
  written = 0;
  filtered = 0;
  failed = 0;
  dropped = 0;
  dropReason: DropReason | null = null;
  /** Links of its stream's ticket list; `linkedIn` is null once released. */
  linkedIn: object | null = null;
  linkPrevious: Ticket | null = null;
  linkNext: Ticket | null = null;

  constructor(
    stream: StreamFlow,
    ownerId: string,
    bytes: number,
    origin: VideoFrame,
    listener: TicketListener | null,
    emitted: unknown,
  ) {
    this.stream = stream;
    this.ownerId = ownerId;
    this.bytes = bytes;
    this.origin = origin;
    this.listener = listener;
    this.emitted = emitted;
  }

  /** The outcome so far (final once the ticket is released). */
  get outcome(): FrameOutcome {
    const { written, filtered, failed, dropped, dropReason } = this;
    return { written, filtered, failed, dropped, dropReason };
  }

  /** Counts how one item ended. */
  record(outcome: ItemOutcome): void {
    if (outcome === "written") this.written += 1;
    else if (outcome === "filtered") this.filtered += 1;
    else if (outcome === "failed" || outcome === "error" || outcome === "dead-letter") this.failed += 1;
    else if (outcome !== "forwarded") {
      this.dropped += 1;
      this.dropReason ??= outcome;
    }
  }

  /** Forgets one of its items; true when it was one. */
  removeItem(item: FrameItem): boolean {
    const items = this.items;
    const index = items.indexOf(item);
    if (index < 0) return false;
    const last = items.pop() as FrameItem;
    if (index < items.length) items[index] = last;
    return true;
  }
}

/** What flow control reports to and frees memory through. */
export interface FlowControlServices {
  readonly counters: RuntimeCounters;
  readonly metrics: PipelineMetrics;
  /** Collects garbage under pressure as frames are released; null when turned off. */
  readonly reclaimer: DroppedMemoryReclaimer | null;
}

/**
 * Per-stream queues and the global byte budget, with the three overflow policies. Pausing works
 * per source: a source is paused while any stream it fed is over its bound, or while the byte
 * budget is spent, and resumed when all of those are back under their low-water marks.
 *
 * A frame's {@link Ticket} lives from admission until its last item finished ({@link finish}):
 * then its queue place and bytes are given back and its source learns the outcome.
 */
export class FlowControl {
  readonly policy: OverflowPolicy;
  readonly #queue: number;
  readonly #budget: number;
  readonly #services: FlowControlServices;
  readonly #streams = new Map<StreamKey, StreamFlow>();
  readonly #gates: SourceGate[] = [];
  #depth = 0;
  #bytes = 0;
  #budgetBlocking = false;

  constructor(runtime: RuntimeConfig, services: FlowControlServices) {
    this.policy = runtime.overflow;
    this.#queue = runtime.queue;
    this.#budget = runtime.maxInFlightBytes;
    this.#services = services;
  }

  /** A source's gate: paused with the others while the byte budget is spent. */
  registerGate(gate: SourceGate): void {
    this.#gates.push(gate);
  }

  /** Live tickets, all streams. */
  get depth(): number {
    return this.#depth;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Applies the overflow policy to a frame a source delivered: returns its ticket, or why it was
   * refused (the caller counts that drop). `drop-oldest` may evict older frames first.
   */
  admit(
    key: StreamKey,
    gate: SourceGate,
    frame: VideoFrame,
    listener: TicketListener,
    emitted: unknown,
  ): Ticket | DropReason {
    const bytes = frame.image.data.byteLength;
    const refusal = this.#makeRoom(key, bytes);
    if (refusal !== null) {
      this.#services.reclaimer?.released(bytes, this.#bytes);
      return refusal;
    }
    const stream = this.#stream(key);
    if (!stream.sources.has(gate)) {
      stream.sources.add(gate);
      if (stream.blocking) this.#block(gate);
    }
    return this.#charge(stream, gate.id, bytes, frame, listener, emitted);
  }

  /** Charges a frame a per-stream operator emitted on its own (a timer, a flush): no policy applies. */
  charge(key: StreamKey, ownerId: string, frame: VideoFrame): Ticket {
    const ticket = this.#charge(this.#stream(key), ownerId, frame.image.data.byteLength, frame, null, null);
    ticket.started = true;
    return ticket;
  }

  /** One item of a ticket ended: the ticket is settled once it was the last. */
  finish(item: FrameItem, outcome: ItemOutcome): void {
    const ticket = item.ticket;
    if (!ticket.removeItem(item)) return;
    ticket.record(outcome);
    if (ticket.items.length === 0) this.settle(ticket);
  }

  /** Gives back a ticket's queue place and bytes and tells its source; once per ticket. */
  settle(ticket: Ticket): void {
    const stream = ticket.stream;
    if (!stream.tickets.remove(ticket)) return;
    this.#depth -= 1;
    this.#bytes -= ticket.bytes;
    this.#services.reclaimer?.released(ticket.bytes, this.#bytes);
    if (stream.blocking && stream.depth <= Math.floor(this.#queue * QUEUE_LOW_WATER)) {
      stream.blocking = false;
      for (const gate of stream.sources) {
        gate.blockingStreams -= 1;
        this.#update(gate);
      }
    }
    if (stream.depth === 0 && this.#streams.get(stream.key) === stream) this.#streams.delete(stream.key);
    this.#resumeUnderLowWater();
    this.#reportLevels();
    ticket.listener?.ticketSettled(ticket);
  }

  #resumeUnderLowWater(): void {
    if (this.#budgetBlocking && this.#bytes <= this.#budget * BYTES_LOW_WATER) {
      this.#budgetBlocking = false;
      for (const gate of this.#gates) this.#update(gate);
    }
  }

  /**
   * Charges memory a step holds beside the frames' own bytes (a transform decoding a frame), so
   * the budget sees a decode's real size: under `block` the sources pause while it is spent, and
   * under the drop policies new frames make room for it. Give it back with {@link releaseHeld}.
   */
  hold(bytes: number): void {
    this.#bytes += bytes;
    if (this.policy === "block" && !this.#budgetBlocking && this.#bytes >= this.#budget) {
      this.#budgetBlocking = true;
      for (const gate of this.#gates) this.#update(gate);
    }
    this.#services.metrics.inFlightBytes(this.#bytes);
  }

  /** Gives back what {@link hold} charged. */
  releaseHeld(bytes: number): void {
    this.#bytes -= bytes;
    this.#resumeUnderLowWater();
    this.#services.metrics.inFlightBytes(this.#bytes);
  }

  /** Every live ticket (a forced stop gives up on them). */
  *tickets(): IterableIterator<Ticket> {
    for (const stream of this.#streams.values()) yield* stream.tickets;
  }

  /** Null when the frame may come in (after evicting older ones under `drop-oldest`), else why not. */
  #makeRoom(key: StreamKey, bytes: number): DropReason | null {
    if (this.policy === "block") {
      return this.#overBudget(bytes, this.#budget * BLOCK_HARD_LIMIT) ? "memory-budget" : null;
    }
    if (this.policy === "drop-newest") {
      if ((this.#streams.get(key)?.depth ?? 0) >= this.#queue) return "queue-full";
      return this.#overBudget(bytes, this.#budget) ? "memory-budget" : null;
    }
    while ((this.#streams.get(key)?.depth ?? 0) >= this.#queue) {
      const victim = this.#oldestEvictable(this.#streams.get(key));
      if (!victim) return "queue-full";
      this.#evict(victim, "queue-full");
    }
    while (this.#overBudget(bytes, this.#budget)) {
      const victim = this.#evictableOfLongestStream();
      if (!victim) return "memory-budget";
      this.#evict(victim, "memory-budget");
    }
    return null;
  }

  /** A `drop-oldest` eviction: no item of the ticket is in a step; each leaves the lane it waits in. */
  #evict(ticket: Ticket, reason: DropReason): void {
    this.#services.counters.dropped(ticket.ownerId, reason);
    for (const item of [...ticket.items]) {
      item.lane?.node.discard(item);
      this.finish(item, reason);
    }
    this.settle(ticket);
  }

  #charge(
    stream: StreamFlow,
    ownerId: string,
    bytes: number,
    frame: VideoFrame,
    listener: TicketListener | null,
    emitted: unknown,
  ): Ticket {
    const ticket = new Ticket(stream, ownerId, bytes, frame, listener, emitted);
    stream.tickets.push(ticket);
    this.#depth += 1;
    this.#bytes += bytes;
    if (this.policy === "block") {
      if (!stream.blocking && stream.depth >= this.#queue) {
        stream.blocking = true;
        for (const gate of stream.sources) this.#block(gate);
      }
      if (!this.#budgetBlocking && this.#bytes >= this.#budget) {
        this.#budgetBlocking = true;
        for (const gate of this.#gates) this.#update(gate);
      }
    }
    this.#reportLevels();
    return ticket;
  }

  #reportLevels(): void {
    this.#services.metrics.queueDepth(this.#depth);
    this.#services.metrics.inFlightBytes(this.#bytes);
  }

  /** A single frame larger than the whole budget still gets through when nothing else is in flight. */
  #overBudget(bytes: number, limit: number): boolean {
    return this.#bytes > 0 && this.#bytes + bytes > limit;
  }

  #stream(key: StreamKey): StreamFlow {
    let stream = this.#streams.get(key);
    if (!stream) {
      stream = new StreamFlow(key);
      this.#streams.set(key, stream);
    }
    return stream;
  }

  #block(gate: SourceGate): void {
    gate.blockingStreams += 1;
    this.#update(gate);
  }

  #update(gate: SourceGate): void {
    gate.set(this.policy === "block" && (this.#budgetBlocking || gate.blockingStreams > 0));
  }

  /**
   * The oldest frame no work has been spent on; when every waiting frame of the stream has been
   * worked on already (all of them transformed and waiting for a slow sink), the oldest of those:
   * a live consumer wants the freshest frame next, and nothing cheaper is left to give up.
   */
  #oldestEvictable(stream: StreamFlow | undefined): Ticket | undefined {
    if (!stream) return undefined;
    let oldestWorked: Ticket | undefined;
    for (const ticket of stream.tickets) {
      if (!ticket.started) return ticket;
      if (ticket.running === 0) oldestWorked ??= ticket;
    }
    return oldestWorked;
  }

  /**
   * Under memory pressure the longest backlog pays first (its oldest waiting frame), so a
   * participant with few frames is not starved by one with many.
   */
  #evictableOfLongestStream(): Ticket | undefined {
    let best: Ticket | undefined;
    let bestDepth = -1;
    for (const stream of this.#streams.values()) {
      if (stream.depth <= bestDepth) continue;
      const candidate = this.#oldestEvictable(stream);
      if (candidate) {
        best = candidate;
        bestDepth = stream.depth;
      }
    }
    return best;
  }
}
