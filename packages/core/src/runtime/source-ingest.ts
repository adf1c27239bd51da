import type { Subject, Subscription } from "rxjs";
import type { StreamInfo } from "../model/stream-key.js";
import { type IncomingFrame, type VideoFrame, withParticipant, withSeq } from "../model/video-frame.js";
import type { RecallEvent } from "../recall/recall-event.js";
import type { FlowControl, SourceGate, Ticket } from "./flow-control.js";
import type { FrameFailures } from "./frame-failures.js";
import type { GroupTracker } from "./group-tracker.js";
import type { GraphNode } from "./pipeline-graph.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";
import type { RuntimeCounters } from "./runtime-counters.js";
import { UnknownEventNotices } from "./unknown-event-notices.js";

/** A source node with its pause gate and subscription. */
export interface SourceEntry {
  readonly node: GraphNode;
  readonly gate: SourceGate;
  subscription: Subscription | null;
  completed: boolean;
}

/** What {@link SourceIngest} works with. */
export interface SourceIngestOptions {
  readonly sources: ReadonlyMap<string, SourceEntry>;
  readonly flow: FlowControl;
  readonly groups: GroupTracker;
  readonly counters: RuntimeCounters;
  readonly metrics: PipelineMetrics;
  readonly failures: FrameFailures;
  readonly events$: Subject<RecallEvent>;
  readonly frames$: Subject<VideoFrame>;
  /** Sends an accepted frame into the graph. */
  readonly dispatch: (node: GraphNode, frame: VideoFrame, ticket: Ticket, stream: StreamInfo) => void;
  readonly onSourcesComplete: () => void;
  /** Told of the bytes of each frame the overflow policy refused. */
  readonly onDroppedBytes: (bytes: number) => void;
  readonly stopped: () => boolean;
}

/**
 * The entry of the graph: subscribes to the sources, gives each frame its per-stream `seq` (a
 * counter that survives group ends, so a returning participant never reuses a number), fills late
 * participant names, opens and touches groups, applies the overflow policy, and ends a group on
 * `participant_events.leave`. Other events are counted and passed to `events$` only.
 */
export class SourceIngest {
  readonly #options: SourceIngestOptions;
  readonly #unknownEvents = new UnknownEventNotices();

  constructor(options: SourceIngestOptions) {
    this.#options = options;
  }

  /** Subscribes to a started source's events. */
  attach(id: string): void {
    const entry = this.#options.sources.get(id);
    if (!entry || entry.subscription || entry.completed || this.#options.stopped()) return;
    const component = entry.node.component;
    if (component.kind !== "source") return;
    entry.subscription = component.instance.events$.subscribe({
      next: (event) => this.#ingest(entry, event),
      error: (error) => {
        this.#options.failures.componentFailed(entry.node, error, "receive");
        this.#completed(entry);
      },
      complete: () => this.#completed(entry),
    });
  }

  /** Stops listening to every source: nothing emitted afterwards is accepted. */
  detachAll(): void {
    for (const entry of this.#options.sources.values()) {
      entry.subscription?.unsubscribe();
      entry.subscription = null;
      entry.gate.close();
    }
  }

  #ingest(entry: SourceEntry, event: RecallEvent): void {
    if (this.#options.stopped()) return;
    try {
      this.#options.counters.event(event.kind);
      const events$ = this.#options.events$;
      if (event.kind === "video-frame") {
        const frame = this.#ingestFrame(entry, event.frame);
        // Nobody listening is the common case: skip building the event.
        if (events$.observed) events$.next({ ...event, frame });
        return;
      }
      if (event.kind === "participant") {
        const { groups } = this.#options;
        const participant = groups.participant(event.recording.id, event.participant.id);
        groups.rememberName(participant, event.participant.name);
        if (event.action === "leave") groups.end(participant, "leave");
      } else if (event.kind === "unknown") {
        this.#unknownEvents.notice(entry.node.id, event.event, entry.node.component.logger);
      }
      events$.next(event);
    } catch (error) {
      this.#options.failures.componentFailed(entry.node, error, "receive", { event: event.event });
    }
  }

  #ingestFrame(entry: SourceEntry, incoming: IncomingFrame): VideoFrame {
    const { counters, metrics, groups, flow } = this.#options;
    const participant = groups.participant(incoming.recording.id, incoming.participant.id);
    const stream = groups.stream(participant, incoming.type);
    let frame = withSeq(incoming, stream.nextSeq);
    stream.nextSeq += 1;
    if (frame.participant.name) groups.rememberName(participant, frame.participant.name);
    else if (participant.name) frame = withParticipant(frame, { name: participant.name });
    counters.received(entry.node.id);
    const openGroups = groups.size;
    groups.touch(participant, stream);
    if (groups.size !== openGroups) metrics.activeGroups(groups.size);
    if (this.#options.frames$.observed) this.#options.frames$.next(frame);
    const info = stream.info;
    const admitted = flow.admit(info.key, frame.image.data.byteLength, entry.gate, frame);
    if (typeof admitted === "string") {
      counters.dropped(entry.node.id, admitted);
      this.#options.onDroppedBytes(frame.image.data.byteLength);
    } else this.#options.dispatch(entry.node, frame, admitted, info);
    return frame;
  }

  #completed(entry: SourceEntry): void {
    if (entry.completed) return;
    entry.completed = true;
    entry.subscription = null;
    entry.gate.close();
    if ([...this.#options.sources.values()].every((source) => source.completed)) this.#options.onSourcesComplete();
  }
}
