import type { ResourceRef, VideoFrame } from "@framepipe/core/plugin";

/** The Recall event name of a recorded frame. */
export const RECALL_FRAME_EVENT = "video_separate_png.data";

function resourceJson(resource: ResourceRef): string {
  return JSON.stringify({ id: resource.id, metadata: resource.metadata });
}

/** ISO 8601, or null for an invalid Date (a frame from a buggy plugin): Recall's schema allows a null `absolute`. */
function absoluteOf(date: Date): string | null {
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

/**
 * The exact `video_separate_png.data` message Recall would have sent for `frame`, as one line of
 * JSON text (no trailing newline): `{ event, data: { data: { buffer, timestamp, type, participant },
 * realtime_endpoint, video_separate, recording, bot } }`, keys in the order of Recall's documentation,
 * participant fields in snake_case (`is_host`, `extra_data`), `bot: null` for recordings without a bot.
 *
 * `buffer` is the base64 of the frame's current image: after a transform that re-encoded it, that is
 * no longer a PNG (see the README). `seq` and `receivedAt` are framepipe's own and are not written
 * (ingest assigns them again on replay).
 *
 * The base64 text is concatenated rather than passed through `JSON.stringify`, which would scan a
 * string of a megabyte for characters to escape that base64 never contains.
 */
export function recallFrameMessage(frame: VideoFrame): string {
  const participant = frame.participant;
  const participantJson = JSON.stringify({
    id: participant.id,
    name: participant.name,
    is_host: participant.isHost,
    platform: participant.platform,
    extra_data: participant.extraData,
    email: participant.email,
  });
  const timestampJson = JSON.stringify({
    relative: frame.timestamp.relative,
    absolute: absoluteOf(frame.timestamp.absolute),
  });
  return (
    `{"event":"${RECALL_FRAME_EVENT}","data":{"data":{"buffer":"${frame.image.data.toString("base64")}",` +
    `"timestamp":${timestampJson},"type":${JSON.stringify(frame.type)},"participant":${participantJson}},` +
    `"realtime_endpoint":${resourceJson(frame.realtimeEndpoint)},` +
    `"video_separate":${resourceJson(frame.videoSeparate)},` +
    `"recording":${resourceJson(frame.recording)},` +
    `"bot":${frame.bot === null ? "null" : resourceJson(frame.bot)}}}`
  );
}
