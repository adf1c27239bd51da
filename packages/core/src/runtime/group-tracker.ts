import {
  type GroupEndReason,
  type GroupInfo,
  type GroupKey,
  groupKeyOf,
  type StreamInfo,
  streamKeyOf,
} from "../model/stream-key.js";
import type { FrameType, VideoFrame } from "../model/video-frame.js";
import { LruMap } from "../operators/lru-map.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { GroupEnd } from "./lane.js";

/** Participant names remembered for late-name filling. */
export const MAX_REMEMBERED_NAMES = 100_000;

interface GroupState {
  readonly key: GroupKey;
  readonly recordingId: string;
  readonly participantId: number;
  readonly streams: Map<FrameType, StreamInfo>;
  lastFrameAt: number;
  timer: TimerHandle | null;
}

/**
 * Open participant groups. A group starts with its first frame and ends on `leave`, after
 * `idleTimeout` without a frame, or at shutdown; `onEnd` then receives the group and its streams.
 * Groups are keyed by recording and participant, never by connection, so a reconnecting source
 * continues the same group. Also remembers the last known name of each participant.
 */
export class GroupTracker {
  readonly #groups = new Map<GroupKey, GroupState>();
  readonly #names = new LruMap<GroupKey, string>(MAX_REMEMBERED_NAMES);
  readonly #idleTimeout: number;
  readonly #clock: Clock;
  readonly #onEnd: (end: GroupEnd, streams: readonly StreamInfo[]) => void;

  constructor(idleTimeout: number, clock: Clock, onEnd: (end: GroupEnd, streams: readonly StreamInfo[]) => void) {
    this.#idleTimeout = idleTimeout;
    this.#clock = clock;
    this.#onEnd = onEnd;
  }

  /** Open groups. */
  get size(): number {
    return this.#groups.size;
  }

  /** Records a frame: opens its group if needed and restarts its idle timer. Returns its stream. */
  touch(frame: VideoFrame): StreamInfo {
    const recordingId = frame.recording.id;
    const participantId = frame.participant.id;
    const key = groupKeyOf(recordingId, participantId);
    let group = this.#groups.get(key);
    if (!group) {
      group = { key, recordingId, participantId, streams: new Map(), lastFrameAt: 0, timer: null };
      this.#groups.set(key, group);
    }
    group.lastFrameAt = this.#clock.now();
    // One timer per group, re-armed on expiry for the time left: cheaper than a new timer per frame.
    group.timer ??= this.#arm(group, this.#idleTimeout);
    let stream = group.streams.get(frame.type);
    if (!stream) {
      stream = Object.freeze({
        key: streamKeyOf(recordingId, participantId, frame.type),
        groupKey: key,
        recordingId,
        participantId,
        type: frame.type,
      });
      group.streams.set(frame.type, stream);
    }
    return stream;
  }

  /** Ends a group if it is open. */
  end(key: GroupKey, reason: GroupEndReason): boolean {
    const group = this.#groups.get(key);
    if (!group) return false;
    this.#groups.delete(key);
    if (group.timer !== null) this.#clock.clearTimeout(group.timer);
    group.timer = null;
    const info: GroupInfo = Object.freeze({
      key,
      recordingId: group.recordingId,
      participantId: group.participantId,
      reason,
    });
    const streams = [...group.streams.values()];
    this.#onEnd({ info, streamCount: streams.length }, streams);
    return true;
  }

  /** Ends every open group. */
  endAll(reason: GroupEndReason): void {
    for (const key of [...this.#groups.keys()]) this.end(key, reason);
  }

  /** Stops the idle timers without ending groups (a forced stop). */
  clear(): void {
    for (const group of this.#groups.values()) if (group.timer !== null) this.#clock.clearTimeout(group.timer);
    this.#groups.clear();
  }

  /** Remembers a participant's name when it is non-empty. */
  rememberName(key: GroupKey, name: string | null): void {
    if (name) this.#names.set(key, name);
  }

  /** The last non-empty name seen for a participant. */
  knownName(key: GroupKey): string | undefined {
    return this.#names.get(key);
  }

  #arm(group: GroupState, delay: number): TimerHandle {
    return this.#clock.setTimeout(() => {
      group.timer = null;
      if (this.#groups.get(group.key) !== group) return;
      const idleFor = this.#clock.now() - group.lastFrameAt;
      if (idleFor >= this.#idleTimeout) this.end(group.key, "idle");
      else group.timer = this.#arm(group, this.#idleTimeout - idleFor);
    }, delay);
  }
}
