import type { Subject, Subscription } from "rxjs";
import { describeError } from "../errors/framepipe-error.js";
import { takeSeq } from "../model/carried-seq.js";
import { type IncomingFrame, type VideoFrame, withParticipant, withSeq } from "../model/video-frame.js";
import type { GroupTracker } from "../participants/group-tracker.js";
import type { FrameOutcome } from "../plugin/define-plugin.js";
import type { RecallEvent } from "../recall/recall-event.js";
import type { SourceComponent } from "./create-components.js";
import { SourceGate, type Ticket, type TicketListener } from "./flow-control.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";
import { GraphNode, type NodeRuntime } from "./pipeline-node.js";
import { UnknownEventNotices } from "./unknown-event-notices.js";

/** What a source node needs besides the shared {@link NodeRuntime}. */
export interface SourceNodeServices {
  readonly groups: GroupTracker;
  readonly metrics: PipelineMetrics;
  /** Every event of every source, for code that subscribes to the pipeline's `events$`. */
  readonly events$: Subject<RecallEvent>;
  /** Every frame as ingested (with its `seq`), for the pipeline's `frames$`. */
  readonly frames$: Subject<VideoFrame>;
  /** Told when this source's `events$` completed or errored (the pipeline drains once all did). */
  readonly sourceCompleted: (source: SourceNode) => void;
}

/**
 * The entry of the graph for one source: subscribes to its events, gives each frame its
 * per-stream `seq` (a counter that survives group ends, so a returning participant never reuses a
 * number; a frame that arrives numbered keeps its number, see {@link takeSeq}), fills late participant names, opens and touches groups, applies the overflow policy,
 * and ends a group on `participant_events.leave`. Other events are counted and passed to
 * `events$` only. When a frame it produced is finished everywhere, the source's `settled` hook
 * learns the outcome.
 */
export class SourceNode extends GraphNode implements TicketListener {
  declare readonly component: SourceComponent;
  readonly gate: SourceGate;
  #isComplete = false;
  #subscription: Subscription | null = null;
  readonly #services: SourceNodeServices;
  readonly #unknownEvents = new UnknownEventNotices();

  constructor(component: SourceComponent, runtime: NodeRuntime, services: SourceNodeServices) {
    super(component, runtime);
    this.#services = services;
    this.gate = new SourceGate(this.id, component.instance, component.logger);
    runtime.flow.registerGate(this.gate);
  }

  /** True once the source's `events$` completed or errored. */
  get isComplete(): boolean {
    return this.#isComplete;
  }

  /** Subscribes to the started source's events. */
  attach(): void {
    if (this.#subscription || this.#isComplete || this.runtime.work.abandoned) return;
    this.#subscription = this.component.instance.events$.subscribe({
      next: (event) => this.#ingest(event),
      error: (error) => {
        this.runtime.failures.componentFailed(this, error, "receive");
        this.#completed();
      },
      complete: () => this.#completed(),
    });
  }

  /** Stops listening: nothing the source emits afterwards is accepted. */
  detach(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    this.gate.close();
  }

  /** Tells the source what became of a frame it produced (its `settled` hook, if it has one). */
  ticketSettled(ticket: Ticket): void {
    if (this.component.instance.settled) this.#tell(ticket.emitted as IncomingFrame, ticket.outcome);
  }

  #tell(frame: IncomingFrame, outcome: FrameOutcome): void {
    const instance = this.component.instance;
    try {
      instance.settled?.(frame, outcome);
    } catch (error) {
      this.component.logger.error({ error: describeError(error) }, "settled() failed");
    }
  }

  #ingest(event: RecallEvent): void {
    if (this.runtime.work.abandoned) return;
    try {
      this.runtime.counters.event(event.kind);
      const { events$, groups } = this.#services;
      if (event.kind === "video-frame") {
        const frame = this.#ingestFrame(event.frame);
        // Nobody listening is the common case: skip building the event.
        if (events$.observed) events$.next({ ...event, frame });
        return;
      }
      if (event.kind === "participant") {
        const participant = groups.participant(event.recording.id, event.participant.id);
        groups.rememberName(participant, event.participant.name);
        if (event.action === "leave") groups.end(participant, "leave");
      } else if (event.kind === "unknown") {
        this.#unknownEvents.notice(this.id, event.event, this.component.logger);
      }
      events$.next(event);
    } catch (error) {
      this.runtime.failures.componentFailed(this, error, "receive", { event: event.event });
    }
  }

  #ingestFrame(incoming: IncomingFrame): VideoFrame {
    const { counters, flow } = this.runtime;
    const { groups, metrics, frames$ } = this.#services;
    const participant = groups.participant(incoming.recording.id, incoming.participant.id);
    const stream = groups.stream(participant, incoming.type);
    let frame = withSeq(incoming, takeSeq(stream, incoming));
    if (frame.participant.name) groups.rememberName(participant, frame.participant.name);
    else if (participant.name) frame = withParticipant(frame, { name: participant.name });
    counters.received(this.id);
    const openGroups = groups.size;
    groups.touch(participant, stream);
    if (groups.size !== openGroups) metrics.activeGroups(groups.size);
    if (frames$.observed) frames$.next(frame);
    const admitted = flow.admit(stream.info.key, this.gate, frame, this, incoming);
    if (typeof admitted !== "string") {
      this.forward(frame, admitted, stream.info);
      return frame;
    }
    counters.dropped(this.id, admitted);
    if (this.component.instance.settled) {
      this.#tell(incoming, { written: 0, filtered: 0, failed: 0, dropped: 1, dropReason: admitted });
    }
    return frame;
  }

  #completed(): void {
    if (this.#isComplete) return;
    this.#isComplete = true;
    this.#subscription = null;
    this.gate.close();
    this.#services.sourceCompleted(this);
  }
}
