import type { FrameType, ParticipantEvent, RecallEvent, VideoFrame } from "@framepipe/core";
import { filter, map, merge, type Observable, scan, shareReplay, startWith } from "rxjs";

/** What the app knows about one participant. */
export interface ParticipantEntry {
  readonly recordingId: string;
  readonly participantId: number;
  /** Null until Recall sends it (names often arrive after the first frames). */
  readonly name: string | null;
  /** Frames received, both stream types. */
  readonly frames: number;
  /** The most recent frame of each stream type. */
  readonly latest: Readonly<Partial<Record<FrameType, VideoFrame>>>;
  /** True once the participant left the meeting (their last frames stay available). */
  readonly left: boolean;
}

/** Participants by id, most recent recording first for an id seen in several recordings. */
export type ParticipantBoard = ReadonlyMap<number, ParticipantEntry>;

type BoardChange =
  | { readonly kind: "frame"; readonly frame: VideoFrame }
  | {
      readonly kind: "participant";
      readonly action: string;
      readonly recordingId: string;
      readonly participantId: number;
      readonly name: string | null;
    };

function entryFor(board: ParticipantBoard, recordingId: string, participantId: number): ParticipantEntry {
  const existing = board.get(participantId);
  if (existing && existing.recordingId === recordingId) return existing;
  return { recordingId, participantId, name: null, frames: 0, latest: {}, left: false };
}

function apply(board: ParticipantBoard, change: BoardChange): ParticipantBoard {
  const next = new Map(board);
  if (change.kind === "frame") {
    const { frame } = change;
    const entry = entryFor(board, frame.recording.id, frame.participant.id);
    next.set(frame.participant.id, {
      ...entry,
      name: frame.participant.name || entry.name,
      frames: entry.frames + 1,
      latest: { ...entry.latest, [frame.type]: frame },
    });
    return next;
  }
  const entry = entryFor(board, change.recordingId, change.participantId);
  next.set(change.participantId, {
    ...entry,
    name: change.name || entry.name,
    left: change.action === "leave" ? true : change.action === "join" ? false : entry.left,
  });
  return next;
}

/**
 * The app's live view of the meeting, built with RxJS from two streams: the frames the app's sink
 * receives, and the pipeline's participant events (join, late names, leave). Each emission is a
 * new immutable map; late subscribers get the current one.
 */
export function participantBoard(
  frames$: Observable<VideoFrame>,
  events$: Observable<RecallEvent>,
): Observable<ParticipantBoard> {
  const participantChanges$ = events$.pipe(
    filter((event): event is ParticipantEvent => event.kind === "participant"),
    map(
      (event): BoardChange => ({
        kind: "participant",
        action: event.action,
        recordingId: event.recording.id,
        participantId: event.participant.id,
        name: event.participant.name,
      }),
    ),
  );
  const frameChanges$ = frames$.pipe(map((frame): BoardChange => ({ kind: "frame", frame })));
  return merge(frameChanges$, participantChanges$).pipe(
    scan(apply, new Map() as ParticipantBoard),
    startWith(new Map() as ParticipantBoard),
    shareReplay({ bufferSize: 1, refCount: false }),
  );
}
