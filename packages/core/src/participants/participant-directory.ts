import { FramepipeError } from "../errors/framepipe-error.js";
import { type GroupKey, groupKeyOf, type StreamInfo, streamKeyOf } from "../model/stream-key.js";
import type { FrameType } from "../model/video-frame.js";
import { hasName } from "./participant-name.js";
import { RecentlyUsedMap } from "./recently-used-map.js";
import { MAX_REMEMBERED_PARTICIPANTS } from "./remembered-participants.js";

export { MAX_REMEMBERED_PARTICIPANTS };

/** One stream of a participant, for as long as the participant is remembered. */
export interface StreamRecord {
  readonly info: StreamInfo;
  /** The `seq` its next frame gets: it survives group ends, so a returning participant never reuses one. */
  nextSeq: number;
  /** The open group this stream already belongs to (groups list the streams they had). */
  group: object | null;
}

/** What is remembered of one participant of one recording. */
export interface ParticipantRecord {
  readonly recordingId: string;
  readonly participantId: number;
  readonly groupKey: GroupKey;
  /** The last name seen that was not null or blank, for frames that arrive without one. */
  name: string | null;
  readonly streams: Map<FrameType, StreamRecord>;
  /** Pinned while its group is open: only participants without a group can be forgotten. */
  pinned: boolean;
}

/**
 * Participants by recording id and participant id, found with two Map lookups and no key string
 * built per frame (each frame's participant and stream are resolved here). Keys and
 * {@link StreamInfo}s are built once per participant and stream. Shared by the runtime and the
 * `groupByParticipant` operator, each owning one directory.
 *
 * Memory stays bounded: participants with an open group are pinned; the others are kept in
 * least-recently-used order (looked up, or released by their group) and the oldest is forgotten
 * past `limit` (if it ever sends again, its streams restart at `seq` 0). Pinning keeps the
 * recency bookkeeping out of the per-frame path.
 */
export class ParticipantDirectory {
  /** Participants without an open group that are remembered at most. */
  readonly limit: number;
  readonly #byRecording = new Map<string, Map<number, ParticipantRecord>>();
  /** The unpinned participants, least recently used first: the only ones that can be forgotten. */
  readonly #forgettable: RecentlyUsedMap<GroupKey, ParticipantRecord>;

  constructor(limit = MAX_REMEMBERED_PARTICIPANTS) {
    // At least one: a participant looked up is then the newest and stays remembered until it is pinned.
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new FramepipeError({
        code: "INVALID_ARGUMENT",
        message: `ParticipantDirectory: limit must be a positive integer, got ${String(limit)}`,
      });
    }
    this.limit = limit;
    this.#forgettable = new RecentlyUsedMap(limit, (_key, record) => this.#remove(record));
  }

  /** Participants remembered, pinned or not. */
  get size(): number {
    let size = 0;
    for (const participants of this.#byRecording.values()) size += participants.size;
    return size;
  }

  /** The participant, remembered from now on if it was not, and made the most recently used. */
  get(recordingId: string, participantId: number): ParticipantRecord {
    const known = this.find(recordingId, participantId);
    if (known) {
      // An open group pins its participant (the per-frame case): only the others have a recency.
      if (!known.pinned) this.#forgettable.get(known.groupKey);
      return known;
    }
    const record: ParticipantRecord = {
      recordingId,
      participantId,
      groupKey: groupKeyOf(recordingId, participantId),
      name: null,
      streams: new Map(),
      pinned: true,
    };
    let participants = this.#byRecording.get(recordingId);
    if (!participants) {
      participants = new Map();
      this.#byRecording.set(recordingId, participants);
    }
    participants.set(participantId, record);
    this.unpin(record);
    return record;
  }

  /** The participant if it is remembered, without remembering it or changing its recency. */
  find(recordingId: string, participantId: number): ParticipantRecord | undefined {
    return this.#byRecording.get(recordingId)?.get(participantId);
  }

  /** The participant's stream of `type`. */
  stream(record: ParticipantRecord, type: FrameType): StreamRecord {
    let stream = record.streams.get(type);
    if (!stream) {
      const info: StreamInfo = Object.freeze({
        key: streamKeyOf(record.recordingId, record.participantId, type),
        groupKey: record.groupKey,
        recordingId: record.recordingId,
        participantId: record.participantId,
        type,
      });
      stream = { info, nextSeq: 0, group: null };
      record.streams.set(type, stream);
    }
    return stream;
  }

  /** Keeps the participant while its group is open. */
  pin(record: ParticipantRecord): void {
    if (record.pinned) return;
    record.pinned = true;
    this.#forgettable.delete(record.groupKey);
  }

  /** The participant's group closed: it becomes the most recently used of the forgettable ones. */
  unpin(record: ParticipantRecord): void {
    if (!record.pinned) return;
    record.pinned = false;
    this.#forgettable.set(record.groupKey, record);
  }

  /** Remembers the participant's name, unless it is null or blank (which never erase a known name). */
  rememberName(record: ParticipantRecord, name: string | null): void {
    if (hasName(name)) record.name = name;
  }

  /**
   * The name a frame or event of this participant should carry, given the one it came with: its
   * own when it has one (remembered from now on), else the last known one, else its own (null or blank).
   */
  nameFor(record: ParticipantRecord, own: string | null): string | null {
    if (hasName(own)) {
      record.name = own;
      return own;
    }
    return record.name ?? own;
  }

  /** Forgets every participant, pinned or not. */
  clear(): void {
    this.#byRecording.clear();
    this.#forgettable.clear();
  }

  #remove(record: ParticipantRecord): void {
    // A forgotten record may still be held by a caller: pinned, it never re-enters the order.
    record.pinned = true;
    const participants = this.#byRecording.get(record.recordingId);
    if (participants?.get(record.participantId) !== record) return;
    participants.delete(record.participantId);
    if (participants.size === 0) this.#byRecording.delete(record.recordingId);
  }
}
