import type { GroupEndReason, GroupInfo, StreamInfo } from "../model/stream-key.js";
import type { FrameType } from "../model/video-frame.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { GroupEnd } from "./lane.js";
import type { ParticipantDirectory, ParticipantRecord, StreamRecord } from "./participant-directory.js";

interface GroupState {
  readonly participant: ParticipantRecord;
  /** The streams that had a frame in this group, in order of their first frame. */
  readonly streams: StreamInfo[];
  lastFrameAt: number;
  timer: TimerHandle | null;
}

/**
 * Open participant groups. A group starts with its first frame and ends on `leave`, after
 * `idleTimeout` without a frame, or at shutdown; `onEnd` then receives the group and its streams.
 * Groups are keyed by recording and participant, never by connection, so a reconnecting source
 * continues the same group. Participants themselves (their `seq` counters and last known names)
 * live in a {@link ParticipantDirectory}, where an open group pins them.
 */
export class GroupTracker {
  readonly #groups = new Map<ParticipantRecord, GroupState>();
  readonly #directory: ParticipantDirectory;
  readonly #idleTimeout: number;
  readonly #clock: Clock;
  readonly #onEnd: (end: GroupEnd, streams: readonly StreamInfo[]) => void;

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
    group.timer ??= this.#arm(group, this.#idleTimeout);
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

  /** Ends every open group. */
  endAll(reason: GroupEndReason): void {
    for (const participant of [...this.#groups.keys()]) this.end(participant, reason);
  }

  /** Stops the idle timers without ending groups (a forced stop). */
  clear(): void {
    for (const group of [...this.#groups.values()]) this.#close(group);
  }

  /** Remembers a participant's name when it is non-empty. */
  rememberName(participant: ParticipantRecord, name: string | null): void {
    if (name) participant.name = name;
  }

  #close(group: GroupState): void {
    this.#groups.delete(group.participant);
    if (group.timer !== null) this.#clock.clearTimeout(group.timer);
    group.timer = null;
    for (const stream of group.participant.streams.values()) if (stream.group === group) stream.group = null;
    this.#directory.unpin(group.participant);
  }

  #arm(group: GroupState, delay: number): TimerHandle {
    return this.#clock.setTimeout(() => {
      group.timer = null;
      if (this.#groups.get(group.participant) !== group) return;
      const idleFor = this.#clock.now() - group.lastFrameAt;
      if (idleFor >= this.#idleTimeout) this.end(group.participant, "idle");
      else group.timer = this.#arm(group, this.#idleTimeout - idleFor);
    }, delay);
  }
}
