import type { ComponentHealth } from "./component-health.js";
import type { SinkComponent } from "./create-components.js";
import type { ItemOutcome } from "./flow-control.js";
import { type FrameItem, type GroupEnd, type Lane, LaneNode, type StreamEnd } from "./pipeline-node.js";

/** Progress of one group's end at a sink: `endGroup` runs when the last stream's marker arrives. */
interface PendingGroupEnd {
  remaining: number;
  touched: boolean;
}

/**
 * A sink in the graph. Its step awaits `write(frame)` (retrying transient failures, for the
 * sink's `retryFor` when it sets one); a frame that fails for good gets its component's
 * `onError`. Every failed and successful write tells {@link ComponentHealth} whether the sink is
 * failing. At a stream's end it calls `endStream`, and `endGroup` once every stream of the group
 * ended here.
 */
export class SinkNode extends LaneNode {
  declare readonly component: SinkComponent;
  /** Groups whose end markers are arriving. */
  readonly #groupEnds = new Map<GroupEnd, PendingGroupEnd>();

  protected override get retryFor(): number {
    return this.component.instance.retryFor ?? 0;
  }

  /**
   * `retryFor` counts from when the sink started failing: once it has failed for longer, a frame
   * fails at its first failed attempt (onError applies) until a write succeeds again, so a disk
   * nobody fixes costs the frames that arrive, counted, instead of holding the sources back
   * forever while each frame waits out its own `retryFor`.
   */
  protected override retryStartedAt(firstFailure: number): number {
    return Math.min(firstFailure, this.runtime.health.failingSince(this.component) ?? firstFailure);
  }

  protected async process(lane: Lane, item: FrameItem): Promise<ItemOutcome> {
    lane.touched = true;
    const sink = this.component.instance;
    const frame = item.frame;
    const { counters, clock, failures, health } = this.runtime;
    try {
      await sink.write(frame);
    } catch (error) {
      const retried = await this.retry(
        () => sink.write(frame),
        error,
        (failure) => health.failed(this.component, failure),
      );
      if (!retried.ok) {
        // A forced stop cut the retries short: it already counted the frame as unwritten.
        if (this.runtime.work.abandoned) return "shutdown";
        await failures.frameFailed(this, frame, item.ticket.origin, retried.error, "write", retried.attempts);
        return "failed";
      }
    }
    health.succeeded(this.component);
    counters.sent(this.id, (clock.now() - frame.receivedAt) / 1000);
    return "written";
  }

  protected async end(lane: Lane, end: StreamEnd): Promise<void> {
    const sink = this.component.instance;
    const { failures } = this.runtime;
    const stream = lane.stream;
    const context = { recordingId: stream.recordingId, participantId: stream.participantId };
    const touched = lane.touched;
    lane.touched = false;
    if (touched && sink.endStream) {
      const outcome = await this.attempt(() => sink.endStream?.(stream));
      if (!outcome.ok) failures.componentFailed(this, outcome.error, "end-stream", { ...context, type: stream.type });
    }
    // The sink finalises the group once every stream of it ended here (whatever reached it or not).
    const group = end.group;
    const pending = this.#groupEnds.get(group) ?? { remaining: group.streamCount, touched: false };
    pending.remaining -= 1;
    pending.touched ||= touched;
    if (pending.remaining > 0) {
      this.#groupEnds.set(group, pending);
      return;
    }
    this.#groupEnds.delete(group);
    if (pending.touched && sink.endGroup) {
      const outcome = await this.attempt(() => sink.endGroup?.(group.info));
      if (!outcome.ok) failures.componentFailed(this, outcome.error, "end-group", context);
    }
  }
}
