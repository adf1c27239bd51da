import { FramepipeError } from "../errors/framepipe-error.js";
import { type GroupKey, groupKeyOf, type StreamInfo, streamKeyOf } from "../model/stream-key.js";
import type { FrameType } from "../model/video-frame.js";
import { participantFootprint } from "./participant-footprint.js";
import { hasName } from "./participant-name.js";
import { RecentlyUsedMap } from "./recently-used-map.js";
import { MAX_REMEMBERED_PARTICIPANTS } from "./remembered-participants.js";

export { MAX_REMEMBERED_PARTICIPANTS };

/**
 * Default byte budget of the participants without an open group, in estimated bytes (see
 * `participant-footprint.ts`): 128 MiB. With Recall's UUIDs and names (about 1.2 kB estimated
 * per participant with two streams) the count limit is reached first; the budget takes over when
 * ids and names are long (at most 256 bytes each after parsing: about 3.4 kB).
 */
export const MAX_REMEMBERED_PARTICIPANT_BYTES = 128 * 1024 * 1024;

/** What a {@link ParticipantDirectory} holds, for metrics. */
export interface ParticipantDirectoryStats {
  /** Participants remembered, with an open group or not. */
  readonly remembered: number;
  /** Their estimated size in bytes. */
  readonly bytes: number;
  /** Participants forgotten since the start because the count limit was reached. */
  readonly forgottenOverCount: number;
  /** Participants forgotten since the start because the byte budget was spent. */
  readonly forgottenOverBytes: number;
}

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
  /** Its estimated size, as last counted in the directory's totals. */
  bytes: number;
}

/**
 * Participants by recording id and participant id, found with two Map lookups and no key string
 * built per frame (each frame's participant and stream are resolved here). Keys and
 * {@link StreamInfo}s are built once per participant and stream. Shared by the runtime and the
 * `groupByParticipant` operator, each owning one directory.
 *
 * Memory stays bounded: participants with an open group are pinned; the others are kept in
 * least-recently-used order (looked up, or released by their group) and the oldest is forgotten
 * past `limit` participants or past `maxBytes` estimated bytes (if it ever sends again, its
 * streams restart at `seq` 0). The most recently used one is never forgotten for bytes, so a
 * participant just looked up is always still there. Pinning keeps the recency bookkeeping out of
 * the per-frame path.
 */
export class ParticipantDirectory {
  /** Participants without an open group that are remembered at most. */
  readonly limit: number;
  /** Estimated bytes of the participants without an open group that are remembered at most. */
  readonly maxBytes: number;
  readonly #byRecording = new Map<string, Map<number, ParticipantRecord>>();
  /** The unpinned participants, least recently used first: the only ones that can be forgotten. */
  readonly #forgettable: RecentlyUsedMap<GroupKey, ParticipantRecord>;
  /** Estimated bytes of every remembered participant, and of the unpinned ones alone. */
  #bytes = 0;
  #forgettableBytes = 0;
  #forgottenOverCount = 0;
  #forgottenOverBytes = 0;

  constructor(limit = MAX_REMEMBERED_PARTICIPANTS, maxBytes = MAX_REMEMBERED_PARTICIPANT_BYTES) {
    // At least one: a participant looked up is then the newest and stays remembered until it is pinned.
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new FramepipeError({
        code: "INVALID_ARGUMENT",
        message: `ParticipantDirectory: limit must be a positive integer, got ${String(limit)}`,
      });
    }
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
      throw new FramepipeError({
        code: "INVALID_ARGUMENT",
        message: `ParticipantDirectory: maxBytes must be a positive integer, got ${String(maxBytes)}`,
      });
    }
    this.limit = limit;
    this.maxBytes = maxBytes;
    this.#forgettable = new RecentlyUsedMap(limit, (_key, record) => {
      this.#forgottenOverCount += 1;
      this.#remove(record);
    });
  }

  /** Counts and estimated bytes, read when metrics are. */
  get stats(): ParticipantDirectoryStats {
    return {
      remembered: this.size,
      bytes: this.#bytes,
      forgottenOverCount: this.#forgottenOverCount,
      forgottenOverBytes: this.#forgottenOverBytes,
    };
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
      bytes: 0,
    };
    let participants = this.#byRecording.get(recordingId);
    if (!participants) {
      participants = new Map();
      this.#byRecording.set(recordingId, participants);
    }
    participants.set(participantId, record);
    this.#resize(record);
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
      this.#resize(record);
    }
    return stream;
  }

  /** Keeps the participant while its group is open. */
  pin(record: ParticipantRecord): void {
    if (record.pinned) return;
    record.pinned = true;
    this.#forgettable.delete(record.groupKey);
    this.#forgettableBytes -= record.bytes;
  }

  /** The participant's group closed: it becomes the most recently used of the forgettable ones. */
  unpin(record: ParticipantRecord): void {
    if (!record.pinned) return;
    record.pinned = false;
    this.#forgettableBytes += record.bytes;
    // Set after counting its bytes: `set` may forget the oldest one for the count limit.
    this.#forgettable.set(record.groupKey, record);
    this.#keepWithinBudget();
  }

  /** Remembers the participant's name, unless it is null or blank (which never erase a known name). */
  rememberName(record: ParticipantRecord, name: string | null): void {
    if (hasName(name)) this.#rename(record, name);
  }

  /**
   * The name a frame or event of this participant should carry, given the one it came with: its
   * own when it has one (remembered from now on), else the last known one, else its own (null or blank).
   */
  nameFor(record: ParticipantRecord, own: string | null): string | null {
    if (hasName(own)) {
      this.#rename(record, own);
      return own;
    }
    return record.name ?? own;
  }

  /** Forgets every participant, pinned or not. */
  clear(): void {
    this.#byRecording.clear();
    this.#forgettable.clear();
    this.#bytes = 0;
    this.#forgettableBytes = 0;
  }

  #rename(record: ParticipantRecord, name: string): void {
    // The same name again is the per-frame case: no recount.
    if (record.name === name) return;
    record.name = name;
    this.#resize(record);
  }

  /** Recounts a record's estimated bytes into the totals, and forgets others if that spent the budget. */
  #resize(record: ParticipantRecord): void {
    // A forgotten record a caller still holds is no longer counted.
    if (this.find(record.recordingId, record.participantId) !== record) return;
    const bytes = participantFootprint(record);
    const growth = bytes - record.bytes;
    record.bytes = bytes;
    this.#bytes += growth;
    if (record.pinned) return;
    this.#forgettableBytes += growth;
    this.#keepWithinBudget();
  }

  #keepWithinBudget(): void {
    while (this.#forgettableBytes > this.maxBytes && this.#forgettable.size > 1) {
      const oldest = this.#forgettable.deleteOldest();
      if (oldest === undefined) return;
      this.#forgottenOverBytes += 1;
      this.#remove(oldest);
    }
  }

  #remove(record: ParticipantRecord): void {
    this.#forgettableBytes -= record.bytes;
    this.#bytes -= record.bytes;
    record.bytes = 0;
    // A forgotten record may still be held by a caller: pinned, it never re-enters the order.
    record.pinned = true;
    const participants = this.#byRecording.get(record.recordingId);
    if (participants?.get(record.participantId) !== record) return;
    participants.delete(record.participantId);
    if (participants.size === 0) this.#byRecording.delete(record.recordingId);
  }
}
