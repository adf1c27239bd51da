import { AsyncSubject, type GroupedObservable, groupBy, type Observable, Subject } from "rxjs";
import type { GroupEndReason, GroupInfo, GroupKey } from "../model/stream-key.js";
import type { FrameType, Participant, VideoFrame } from "../model/video-frame.js";
import type { ParticipantRecord } from "../participants/participant-directory.js";
import type { ParticipantEvent } from "../recall/recall-event.js";

/**
 * One participant of one recording, as emitted by `groupByParticipant`: from their first frame
 * until they leave, go idle, or the input completes.
 *
 * Like the groups of rxjs `groupBy`, the observables of a group are hot: subscribe to them
 * synchronously when the group is emitted (inside `subscribe`, `mergeMap`, `concatMap` of the
 * group emission, not after an asynchronous hop and not behind a `mergeMap` concurrency limit),
 * or frames are missed. The frame that opened the group is delivered right after the group is
 * emitted, so such a subscriber sees every frame.
 */
export interface ParticipantGroup {
  /** `<recording id>#<participant id>`. */
  readonly key: GroupKey;
  readonly recordingId: string;
  readonly participantId: number;
  /**
   * The latest known snapshot of the participant, from their frames and participant events,
   * with the best known name (a later null or empty name never erases a known one).
   */
  readonly participant: Participant;
  /**
   * Frames of this participant, both types, with `seq` assigned and the known name filled in, in
   * arrival order. Completes when the group ends; errors if the input errors.
   */
  readonly frames$: Observable<VideoFrame>;
  /**
   * {@link frames$} split per type (`webcam`, `screenshare`): one inner observable per stream,
   * emitted on the stream's first frame; subscribe to each synchronously, as with `groupBy`.
   * Every stream completes when the group ends.
   */
  readonly streams$: Observable<GroupedObservable<FrameType, VideoFrame>>;
  /** This participant's `participant_events.*` while the group is active, the final `leave` included. */
  readonly events$: Observable<ParticipantEvent>;
  /**
   * Emits once, when the group ends, a {@link GroupInfo} (ready for a sink's `endGroup`), then
   * completes. Replays to late subscribers. When the input errors it completes without a value.
   */
  readonly ended$: Observable<GroupInfo>;
  /**
   * Why the group ended: `leave`, `idle` or `source-complete`; null while active (or when the
   * input errored). Already set when {@link frames$} completes.
   */
  readonly endReason: GroupEndReason | null;
}

/** Wraps a group observable so the operator can count who still listens to its groups. */
export type SubscriptionTracker = <T>(observable: Observable<T>) => Observable<T>;

/**
 * The operator-side handle of a group: it owns the subjects and builds the read-only
 * {@link ParticipantGroup} facade that users receive. When the group starts and ends is decided by
 * the shared group tracker, which also owns the idle timer. Internal.
 */
export class ParticipantGroupHandle {
  readonly key: GroupKey;
  readonly group: ParticipantGroup;
  participant: Participant;
  #endReason: GroupEndReason | null = null;
  readonly #frames = new Subject<VideoFrame>();
  readonly #events = new Subject<ParticipantEvent>();
  readonly #ended = new AsyncSubject<GroupInfo>();

  constructor(record: ParticipantRecord, participant: Participant, track: SubscriptionTracker) {
    this.key = record.groupKey;
    this.participant = participant;
    const frames$ = track(this.#frames.asObservable());
    const handle = this;
    this.group = Object.freeze({
      key: this.key,
      recordingId: record.recordingId,
      participantId: record.participantId,
      get participant(): Participant {
        return handle.participant;
      },
      frames$,
      streams$: frames$.pipe(groupBy((frame: VideoFrame) => frame.type)),
      events$: track(this.#events.asObservable()),
      ended$: track(this.#ended.asObservable()),
      get endReason(): GroupEndReason | null {
        return handle.#endReason;
      },
    });
  }

  pushFrame(frame: VideoFrame): void {
    this.#frames.next(frame);
  }

  pushEvent(event: ParticipantEvent): void {
    this.#events.next(event);
  }

  /** Ends the group: the reason is readable before `frames$` completes, `ended$` fires last. */
  end(info: GroupInfo): void {
    this.#endReason = info.reason;
    this.#frames.complete();
    this.#events.complete();
    this.#ended.next(info);
    this.#ended.complete();
  }

  /** Forwards an input error to the group's frames and events. */
  fail(error: unknown): void {
    this.#frames.error(error);
    this.#events.error(error);
    // An error here would surface as unhandled in every `ended$` subscriber; the error already
    // reaches whoever consumes frames, events or the group stream itself.
    this.#ended.complete();
  }
}
