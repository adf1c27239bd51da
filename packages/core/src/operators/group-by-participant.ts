import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, Subscription } from "rxjs";
import { FramepipeError } from "../errors/framepipe-error.js";
import { type GroupEndReason, type GroupKey, groupKeyOf, streamKeyOfFrame } from "../model/stream-key.js";
import { type IncomingFrame, type Participant, withParticipant, withSeq } from "../model/video-frame.js";
import type { ParticipantEvent, RecallEvent } from "../recall/recall-event.js";
import { SequenceCounter } from "./assign-sequence.js";
import { LruMap } from "./lru-map.js";
import { type ParticipantGroup, ParticipantGroupHandle, type SubscriptionTracker } from "./participant-group.js";

/** Default {@link GroupByParticipantOptions.idleTimeout}: 2 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** Participants whose name is remembered between groups (least recently seen forgotten first). */
const KNOWN_NAMES_LIMIT = 10_000;

/** The longest delay timers accept; longer ones would fire at once. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

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
   * Counter that assigns `seq`. Default: a fresh {@link SequenceCounter} per subscription, shared
   * by every group of that subscription, so a participant who returns continues their numbering.
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
 *   with their own name keep it. Known names are kept for the 10 000 most recently named participants.
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
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<ParticipantGroup>((subscriber) => {
      const sequences = options.sequences ?? new SequenceCounter();
      const knownNames = new LruMap<GroupKey, string>(KNOWN_NAMES_LIMIT);
      const groups = new Map<GroupKey, ParticipantGroupHandle>();
      const sourceSubscription = new Subscription();
      let outputClosed = false;
      let released = false;
      let groupSubscriptions = 0;

      const release = (): void => {
        if (released) return;
        released = true;
        sourceSubscription.unsubscribe();
        for (const handle of groups.values()) handle.setIdleTimer(null);
        groups.clear();
        knownNames.clear();
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

      const endGroup = (handle: ParticipantGroupHandle, reason: GroupEndReason): void => {
        groups.delete(handle.key);
        handle.end(reason);
      };

      const restartIdleTimer = (handle: ParticipantGroupHandle): void => {
        if (idleTimeout === Number.POSITIVE_INFINITY) return;
        handle.setIdleTimer(
          scheduler.schedule(() => {
            if (groups.get(handle.key) === handle) endGroup(handle, "idle");
          }, idleTimeout),
        );
      };

      /** The name to use: the participant's own when present (and then remembered), else the known one. */
      const resolveName = (key: GroupKey, own: string | null, current: string | null): string | null => {
        if (hasName(own)) {
          knownNames.set(key, own);
          return own;
        }
        if (hasName(current)) return current;
        return knownNames.get(key) ?? own;
      };

      const onFrame = (incoming: IncomingFrame): void => {
        const key = groupKeyOf(incoming.recording.id, incoming.participant.id);
        let handle = groups.get(key);
        if (handle === undefined && outputClosed) return;
        const ownName = incoming.participant.name;
        const name = resolveName(key, ownName, handle?.participant.name ?? null);
        const participant: Participant = Object.freeze({ ...incoming.participant, name });
        if (handle === undefined) {
          handle = new ParticipantGroupHandle(incoming.recording.id, participant, track);
          groups.set(key, handle);
          subscriber.next(handle.group);
          // The subscriber may have torn everything down while handling the new group.
          if (released || groups.get(key) !== handle) return;
        } else {
          handle.participant = participant;
        }
        restartIdleTimer(handle);
        const frame = withSeq(incoming, sequences.next(streamKeyOfFrame(incoming)));
        handle.pushFrame(name === ownName ? frame : withParticipant(frame, { name }));
      };

      const onParticipantEvent = (event: ParticipantEvent): void => {
        const key = groupKeyOf(event.recording.id, event.participant.id);
        const handle = groups.get(key);
        if (handle === undefined && event.action === "leave") return;
        const name = resolveName(key, event.participant.name, handle?.participant.name ?? null);
        if (handle === undefined) return;
        handle.participant = Object.freeze({ ...event.participant, name });
        handle.pushEvent(event);
        if (event.action === "leave" && groups.get(key) === handle) endGroup(handle, "leave");
      };

      const endAll = (finish: (handle: ParticipantGroupHandle) => void): void => {
        const active = [...groups.values()];
        groups.clear();
        for (const handle of active) finish(handle);
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
            endAll((handle) => handle.fail(error));
            subscriber.error(error);
          },
          complete: () => {
            endAll((handle) => handle.end("source-complete"));
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

function hasName(name: string | null): name is string {
  return name !== null && name.trim() !== "";
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
