import type { GroupEndReason, GroupInfo, StreamInfo } from "../model/stream-key.js";
import type { FrameType } from "../model/video-frame.js";
import type { Clock, TimerHandle } from "../runtime/clock.js";
import type { GroupEnd } from "./group-end.js";
import type { ParticipantDirectory, ParticipantRecord, StreamRecord } from "./participant-directory.js";

/** The longest delay timers accept (2³¹ − 1 ms); a longer one would fire at once. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

interface GroupState {
  readonly participant: ParticipantRecord;
  /** The streams that had a frame in this group, in order of their first frame. */
  readonly streams: StreamInfo[];
  lastFrameAt: number;
  timer: TimerHandle | null;
}

/**
 * Open participant groups, for the runtime and the `groupByParticipant` operator alike. A group
 * starts with its first frame and ends on `leave`, after `idleTimeout` ms without a frame, or at
 * shutdown / input completion; `onEnd` then receives the group and its streams. Groups are keyed
 * by recording and participant, never by connection, so a reconnecting source continues the same
 * group. Participants themselves (their `seq` counters and last known names) live in a
 * {@link ParticipantDirectory}, where an open group pins them; the tracker is its only user.
 *
 * Time comes from a {@link Clock}: the system clock in the runtime, an RxJS scheduler in the
 * operator (so `TestScheduler` drives idle expiry in marble tests).
 */
export class GroupTracker {
  readonly #groups = new Map<ParticipantRecord, GroupState>();
  readonly #directory: ParticipantDirectory;
  readonly #idleTimeout: number;
  readonly #clock: Clock;
  readonly #onEnd: (end: GroupEnd, streams: readonly StreamInfo[]) => void;

  /** `idleTimeout`: milliseconds, or `Infinity` for groups that never idle. */
  constructor(
    directory: ParticipantDirectory,
    idleTimeout: number,
    clock: Clock,
    onEnd: (end: GroupEnd, streams: readonly StreamInfo[]) => void,
  ) {
    this.#directory = directory;
    this.#idleTimeout = idleTimeout;
    this.#clock = clock;
    this.#onEnd = onEnd;
  }

  /** Open groups. */
  get size(): number {
    return this.#groups.size;
  }

  /** A participant (remembered from now on). */
  participant(recordingId: string, participantId: number): ParticipantRecord {
    return this.#directory.get(recordingId, participantId);
  }

  /** The participant's stream of `type`. */
  stream(participant: ParticipantRecord, type: FrameType): StreamRecord {
    return this.#directory.stream(participant, type);
  }

  /** Records a frame of `stream`: opens its participant's group if needed and restarts the idle clock. */
  touch(participant: ParticipantRecord, stream: StreamRecord): void {
    let group = this.#groups.get(participant);
    if (!group) {
      group = { participant, streams: [], lastFrameAt: 0, timer: null };
      this.#groups.set(participant, group);
      this.#directory.pin(participant);
    }
    group.lastFrameAt = this.#clock.now();
    // One timer per group, re-armed on expiry for the time left: cheaper than a new timer per frame.
    if (group.timer === null && this.#idleTimeout !== Number.POSITIVE_INFINITY) {
      group.timer = this.#arm(group, this.#idleTimeout);
    }
    if (stream.group !== group) {
      stream.group = group;
      group.streams.push(stream.info);
    }
  }

  /** Ends the participant's group if it is open. */
  end(participant: ParticipantRecord, reason: GroupEndReason): boolean {
    const group = this.#groups.get(participant);
    if (!group) return false;
    this.#close(group);
    const info: GroupInfo = Object.freeze({
      key: participant.groupKey,
      recordingId: participant.recordingId,
      participantId: participant.participantId,
      reason,
    });
    this.#onEnd({ info, streamCount: group.streams.length }, group.streams);
    return true;
  }

  /** Ends every open group, in the order they opened. */
  endAll(reason: GroupEndReason): void {
    for (const participant of [...this.#groups.keys()]) this.end(participant, reason);
  }

  /** Closes every group without ending it (no `onEnd`) and stops the idle timers: a forced stop or an error. */
  clear(): void {
    for (const group of [...this.#groups.values()]) this.#close(group);
  }

  /** Remembers a participant's name unless it is null or blank. */
  rememberName(participant: ParticipantRecord, name: string | null): void {
    this.#directory.rememberName(participant, name);
  }

  /** The name to carry for a frame or event named `own`: see {@link ParticipantDirectory.nameFor}. */
  nameFor(participant: ParticipantRecord, own: string | null): string | null {
    return this.#directory.nameFor(participant, own);
  }

  #close(group: GroupState): void {
    this.#groups.delete(group.participant);
    if (group.timer !== null) this.#clock.clearTimeout(group.timer);
    group.timer = null;
    for (const stream of group.participant.streams.values()) if (stream.group === group) stream.group = null;
    this.#directory.unpin(group.participant);
  }

  #arm(group: GroupState, delay: number): TimerHandle {
    // Long timeouts are reached in several timers: a timer longer than the maximum would fire at once.
    return this.#clock.setTimeout(
      () => {
        group.timer = null;
        if (this.#groups.get(group.participant) !== group) return;
        const idleFor = this.#clock.now() - group.lastFrameAt;
        if (idleFor >= this.#idleTimeout) this.end(group.participant, "idle");
        // At most a full timeout: a clock that went backwards must not postpone the check further.
        else group.timer = this.#arm(group, Math.min(this.#idleTimeout - idleFor, this.#idleTimeout));
      },
      Math.min(delay, MAX_TIMER_DELAY_MS),
    );
  }
}
