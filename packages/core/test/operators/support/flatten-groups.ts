import { concat, map, merge, mergeMap, type Observable } from "rxjs";
import type { VideoFrame } from "../../../src/model/video-frame.js";
import type { ParticipantGroup } from "../../../src/operators/participant-group.js";

/** How a frame is shown in marble values; the default leaves names out. */
export type FrameLabel = (group: ParticipantGroup, frame: VideoFrame) => string;

export const byStreamAndSeq: FrameLabel = (group, frame) => `${group.key} ${frame.type} ${frame.seq}`;

export const bySeqAndName: FrameLabel = (group, frame) =>
  `${group.key} ${frame.seq} ${frame.participant.name ?? "null"}`;

/**
 * Flattens groups into one line per frame, per participant event and per group end, subscribing
 * to each group synchronously in `mergeMap`, as the operator documents.
 */
export function flattenGroups(
  groups$: Observable<ParticipantGroup>,
  label: FrameLabel = byStreamAndSeq,
): Observable<string> {
  return groups$.pipe(
    mergeMap((group) =>
      concat(
        merge(
          group.frames$.pipe(map((frame) => label(group, frame))),
          group.events$.pipe(map((event) => `${group.key} ${event.action}`)),
        ),
        group.ended$.pipe(map((info) => `${info.key} end ${info.reason} ${group.participant.name ?? "null"}`)),
      ),
    ),
  );
}
