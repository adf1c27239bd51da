import type { FrameType } from "./video-frame.js";

/**
 * Identifies one participant of one recording: `<recording id>#<participant id>`.
 * Participant ids are numbers, so splitting at the last `#` is unambiguous.
 */
export type GroupKey = string;

/** Identifies one stream: `<group key>#<type>`. Order is kept per stream. */
export type StreamKey = string;

/** Builds the group key of a participant in a recording. */
export function groupKeyOf(recordingId: string, participantId: number): GroupKey {
  return `${recordingId}#${participantId}`;
}

/** Builds the stream key of one stream type of a participant in a recording. */
export function streamKeyOf(recordingId: string, participantId: number, type: FrameType): StreamKey {
  return `${recordingId}#${participantId}#${type}`;
}

/** Group key of anything that carries a recording and a participant (frames, participant events). */
export function groupKeyOfFrame(frame: { recording: { id: string }; participant: { id: number } }): GroupKey {
  return groupKeyOf(frame.recording.id, frame.participant.id);
}

/** Stream key of a frame. */
export function streamKeyOfFrame(frame: {
  recording: { id: string };
  participant: { id: number };
  type: FrameType;
}): StreamKey {
  return streamKeyOf(frame.recording.id, frame.participant.id, frame.type);
}

/** Describes a stream for `endStream`. */
export interface StreamInfo {
  readonly key: StreamKey;
  readonly groupKey: GroupKey;
  readonly recordingId: string;
  readonly participantId: number;
  readonly type: FrameType;
}

/** Why a participant group ended. */
export type GroupEndReason = "leave" | "idle" | "shutdown" | "source-complete";

/** Describes a participant group for `endGroup`. */
export interface GroupInfo {
  readonly key: GroupKey;
  readonly recordingId: string;
  readonly participantId: number;
  readonly reason: GroupEndReason;
}
