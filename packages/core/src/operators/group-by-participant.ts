import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, Subscription } from "rxjs";
import { FramepipeError } from "../errors/framepipe-error.js";
import { carriedSeq, takeSeq } from "../model/carried-seq.js";
import type { GroupKey } from "../model/stream-key.js";
import { type IncomingFrame, type Participant, withParticipant, withSeq } from "../model/video-frame.js";
import { GroupTracker, MAX_TIMER_DELAY_MS } from "../participants/group-tracker.js";
import { ParticipantDirectory } from "../participants/participant-directory.js";
import { hasName } from "../participants/participant-name.js";
import type { ParticipantEvent, RecallEvent } from "../recall/recall-event.js";
import type { SequenceCounter } from "./assign-sequence.js";
import { type ParticipantGroup, ParticipantGroupHandle, type SubscriptionTracker } from "./participant-group.js";
import { schedulerClock } from "./scheduler-clock.js";

/** Default {@link GroupByParticipantOptions.idleTimeout}: 2 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** Options for {@link groupByParticipant}. */
export interface GroupByParticipantOptions {
  /**
   * Milliseconds without a frame after which a group ends with reason `idle`; every frame
   * restarts the timer, participant events do not. Default {@link DEFAULT_IDLE_TIMEOUT_MS};
   * `Infinity` disables it.
   */
  readonly idleTimeout?: number;
  /** Scheduler of the idle timers (default `asyncScheduler`; a `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
  /**
   * Counter that assigns `seq`, to share numbering between subscriptions. Default: the
   * subscription's own per-stream counters, kept across its groups (as the pipeline runtime keeps
   * them), so a participant who returns continues their numbering.
   */
  readonly sequences?: SequenceCounter;
}

/**
 * Groups Recall events by participant, (recording id, participant id): the same participant id
 * in two recordings makes two groups. Only `video_separate_png.data` frames and
 * `participant_events.*` are used; transcript, audio, H.264 and unknown events are ignored.
 *
 * - A group starts with the participant's first frame, is emitted, and then receives that frame.
 *   `participant_events.join`/`update` (or any participant event) before the first frame create
 *   no group; they only remember the name. A `leave` for a participant without a group is ignored.
 * - A group ends on `participant_events.leave` (`leave`), after `idleTimeout` ms without a frame
 *   (`idle`), or when the input completes (`source-complete`, for every active group). A frame for
 *   a participant whose group ended starts a new group; `seq` continues (never reused in a stream).
 * - Late names: a participant event or frame carrying a non-empty name updates the known name;
 *   frames with a null, empty or blank name get the known name (via `withParticipant`), frames
 *   with their own name keep it.
 * - Between groups, the 100 000 most recently seen participants are remembered (their `seq`
 *   counters and known names), within 128 MiB (estimated), the same bounds as the pipeline
 *   runtime, which groups with the same code; a participant forgotten past them restarts at `seq` 0.
 * - Subscription semantics follow rxjs `groupBy`: subscribe to a group's observables
 *   synchronously on emission (see {@link ParticipantGroup}). Unsubscribing from the output keeps
 *   the input subscribed while any group observable is still subscribed, then releases everything;
 *   meanwhile frames of new participants are dropped. Ended groups release their state at once.
 * - An input error errors the output and every active group's `frames$` and `events$`.
 */
export function groupByParticipant(
  options: GroupByParticipantOptions = {},
): OperatorFunction<RecallEvent, ParticipantGroup> {
  const idleTimeout = checkIdleTimeout(options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS);
  const clock = schedulerClock(options.scheduler ?? asyncScheduler);
  const sequences = options.sequences;

  return (source) =>
    new Observable<ParticipantGroup>((subscriber) => {
      const directory = new ParticipantDirectory();
      // Open in the tracker exactly when a handle is here: both are opened, ended and cleared together.
      const handles = new Map<GroupKey, ParticipantGroupHandle>();
      const groups = new GroupTracker(directory, idleTimeout, clock, (end) => {
        const handle = handles.get(end.info.key);
        handles.delete(end.info.key);
        handle?.end(end.info);
      });
      const sourceSubscription = new Subscription();
      let outputClosed = false;
      let released = false;
      let groupSubscriptions = 0;

      const release = (): void => {
        if (released) return;
        released = true;
        sourceSubscription.unsubscribe();
        groups.clear();
        handles.clear();
        directory.clear();
      };

      const releaseIfUnused = (): void => {
        if (outputClosed && groupSubscriptions === 0) release();
      };

      const track: SubscriptionTracker = (observable) =>
        new Observable((inner) => {
          groupSubscriptions += 1;
          const subscription = observable.subscribe(inner);
          return () => {
            subscription.unsubscribe();
            groupSubscriptions -= 1;
            releaseIfUnused();
          };
        });

      const onFrame = (incoming: IncomingFrame): void => {
        const { recording, participant: own } = incoming;
        if (outputClosed) {
          // Only groups still listened to take frames: new participants are dropped, not remembered.
          const known = directory.find(recording.id, own.id);
          if (known === undefined || !handles.has(known.groupKey)) return;
        }
        const participant = groups.participant(recording.id, own.id);
        const stream = groups.stream(participant, incoming.type);
        const name = groups.nameFor(participant, own.name);
        const snapshot: Participant = Object.freeze({ ...own, name });
        // Opened (idle timer started) before it is emitted, so whatever the subscriber does
        // meanwhile (a leave, a teardown) finds the group open.
        groups.touch(participant, stream);
        let handle = handles.get(participant.groupKey);
        if (handle === undefined) {
          handle = new ParticipantGroupHandle(participant, snapshot, track);
          handles.set(participant.groupKey, handle);
          subscriber.next(handle.group);
          // The subscriber may have torn everything down, or ended the group, while handling it.
          if (released || handles.get(participant.groupKey) !== handle) return;
        } else {
          handle.participant = snapshot;
        }
        const seq = sequences ? sequences.next(stream.info.key, carriedSeq(incoming)) : takeSeq(stream, incoming);
        const frame = withSeq(incoming, seq);
        handle.pushFrame(name === own.name ? frame : withParticipant(frame, { name }));
      };

      const onParticipantEvent = (event: ParticipantEvent): void => {
        const { recording, participant: own } = event;
        const known = directory.find(recording.id, own.id);
        const handle = known ? handles.get(known.groupKey) : undefined;
        if (known === undefined || handle === undefined) {
          // Without a group an event only teaches a name, and a leave is ignored.
          if (event.action !== "leave" && hasName(own.name)) {
            groups.rememberName(groups.participant(recording.id, own.id), own.name);
          }
          return;
        }
        handle.participant = Object.freeze({ ...own, name: groups.nameFor(known, own.name) });
        handle.pushEvent(event);
        if (event.action === "leave" && handles.get(known.groupKey) === handle) groups.end(known, "leave");
      };

      sourceSubscription.add(
        source.subscribe({
          next: (event) => {
            // A synchronous source keeps emitting until its subscribe call returns, even after release.
            if (released) return;
            if (event.kind === "video-frame") onFrame(event.frame);
            else if (event.kind === "participant") onParticipantEvent(event);
          },
          error: (error: unknown) => {
            const active = [...handles.values()];
            handles.clear();
            groups.clear();
            for (const handle of active) handle.fail(error);
            subscriber.error(error);
          },
          complete: () => {
            groups.endAll("source-complete");
            subscriber.complete();
          },
        }),
      );

      return () => {
        outputClosed = true;
        releaseIfUnused();
      };
    });
}

function checkIdleTimeout(idleTimeout: number): number {
  const valid =
    idleTimeout === Number.POSITIVE_INFINITY ||
    (Number.isFinite(idleTimeout) && idleTimeout > 0 && idleTimeout <= MAX_TIMER_DELAY_MS);
  if (!valid) {
    throw new FramepipeError({
      code: "INVALID_ARGUMENT",
      message: `groupByParticipant: idleTimeout must be a positive number of milliseconds up to ${MAX_TIMER_DELAY_MS} or Infinity, got ${String(idleTimeout)}`,
    });
  }
  return idleTimeout;
}
