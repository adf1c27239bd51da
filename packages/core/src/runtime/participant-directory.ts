import { type GroupKey, groupKeyOf, type StreamInfo, streamKeyOf } from "../model/stream-key.js";
import type { FrameType } from "../model/video-frame.js";

/** Participants remembered (next `seq` of their streams, last known name) while they have no open group. */
export const MAX_REMEMBERED_PARTICIPANTS = 100_000;

/** One stream of a participant, for as long as the participant is remembered. */
export interface StreamRecord {
  readonly info: StreamInfo;
  /** The `seq` its next frame gets: it survives group ends, so a returning participant never reuses one. */
  nextSeq: number;
  /** The open group this stream already belongs to (groups list the streams they had). */
  group: object | null;
}

/** What the runtime remembers of one participant of one recording. */
export interface ParticipantRecord {
  readonly recordingId: string;
  readonly participantId: number;
  readonly groupKey: GroupKey;
  /** The last non-empty name seen, for frames that arrive without one. */
  name: string | null;
  readonly streams: Map<FrameType, StreamRecord>;
  /** Pinned while its group is open: only idle participants can be forgotten. */
  pinned: boolean;
  older: ParticipantRecord | null;
  newer: ParticipantRecord | null;
}

/**
 * Participants by recording id and participant id, found with two Map lookups and no key string
 * built per frame (the runtime resolves each frame's participant and stream here). Keys and
 * {@link StreamInfo}s are built once per participant and stream.
 *
 * Memory stays bounded: participants with an open group are pinned; the others are kept in
 * least-recently-used order (looked up, or released by their group) and the oldest is forgotten
 * past `limit` (if it ever sends again, its streams restart at `seq` 0). Pinning keeps the LRU
 * list out of the per-frame path.
 */
export class ParticipantDirectory {
  readonly limit: number;
  readonly #byRecording = new Map<string, Map<number, ParticipantRecord>>();
  #oldest: ParticipantRecord | null = null;
  #newest: ParticipantRecord | null = null;
  #unpinned = 0;

  constructor(limit = MAX_REMEMBERED_PARTICIPANTS) {
    this.limit = limit;
  }

  /** Participants remembered, pinned or not. */
  get size(): number {
    let size = 0;
    for (const participants of this.#byRecording.values()) size += participants.size;
    return size;
  }

  /** The participant, remembered from now on if it was not. */
  get(recordingId: string, participantId: number): ParticipantRecord {
    let participants = this.#byRecording.get(recordingId);
    if (!participants) {
      participants = new Map();
      this.#byRecording.set(recordingId, participants);
    }
    let record = participants.get(participantId);
    if (record) {
      // An open group pins its participant (the per-frame case): only the others have a recency.
      if (!record.pinned) this.#touch(record);
      return record;
    }
    record = {
      recordingId,
      participantId,
      groupKey: groupKeyOf(recordingId, participantId),
      name: null,
      streams: new Map(),
      pinned: true,
      older: null,
      newer: null,
    };
    participants.set(participantId, record);
    this.unpin(record);
    return record;
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
    if (record.older) record.older.newer = record.newer;
    else this.#oldest = record.newer;
    if (record.newer) record.newer.older = record.older;
    else this.#newest = record.older;
    record.older = null;
    record.newer = null;
    record.pinned = true;
    this.#unpinned -= 1;
  }

  /** The participant's group closed: it becomes the most recently used of the forgettable ones. */
  unpin(record: ParticipantRecord): void {
    if (!record.pinned) return;
    record.pinned = false;
    record.older = this.#newest;
    record.newer = null;
    if (this.#newest) this.#newest.newer = record;
    else this.#oldest = record;
    this.#newest = record;
    this.#unpinned += 1;
    while (this.#unpinned > this.limit && this.#oldest) this.#forget(this.#oldest);
  }

  /** Makes an unpinned participant the most recently used one. */
  #touch(record: ParticipantRecord): void {
    if (record === this.#newest) return;
    this.pin(record);
    this.unpin(record);
  }

  #forget(record: ParticipantRecord): void {
    this.pin(record);
    const participants = this.#byRecording.get(record.recordingId);
    participants?.delete(record.participantId);
    if (participants?.size === 0) this.#byRecording.delete(record.recordingId);
  }
}
