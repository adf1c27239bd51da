import type { ParticipantAction } from "../../../src/recall/recall-event.js";
import { makePng } from "../../support/make-png.js";

/** Who sends: recording `rec-1`, participant 1 and no name unless told. */
export interface MessageTarget {
  readonly recordingId?: string;
  readonly participantId?: number;
  readonly name?: string | null;
}

/**
 * A complete 1×1 RGBA PNG: the parser checks every chunk and CRC, so a bare signature and IHDR
 * (what this used to be) is a truncated PNG now.
 */
function tinyPng(): Buffer {
  return makePng({ width: 1, height: 1, channels: "rgba" });
}

function participant(target: MessageTarget): Record<string, unknown> {
  return {
    id: target.participantId ?? 1,
    name: target.name ?? null,
    is_host: false,
    platform: "desktop",
    extra_data: {},
    email: null,
  };
}

function envelope(event: string, resourceKey: string, data: Record<string, unknown>, target: MessageTarget): string {
  return JSON.stringify({
    event,
    data: {
      data,
      realtime_endpoint: { id: "endpoint-1", metadata: {} },
      [resourceKey]: { id: `${resourceKey}-1`, metadata: {} },
      recording: { id: target.recordingId ?? "rec-1", metadata: {} },
      bot: { id: "bot-1", metadata: {} },
    },
  });
}

/** A `video_separate_png.data` message as Recall sends it; `image` replaces the tiny PNG. */
export function pngMessage(
  target: MessageTarget & { readonly type?: "webcam" | "screenshare"; readonly image?: Buffer } = {},
): string {
  return envelope(
    "video_separate_png.data",
    "video_separate",
    {
      buffer: (target.image ?? tinyPng()).toString("base64"),
      timestamp: { relative: 1.5, absolute: "2026-01-01T10:00:01.500Z" },
      type: target.type ?? "webcam",
      participant: participant(target),
    },
    target,
  );
}

/** A `participant_events.<action>` message as Recall sends it. */
export function participantMessage(action: ParticipantAction, target: MessageTarget = {}): string {
  return envelope(
    `participant_events.${action}`,
    "participant_events",
    {
      participant: participant(target),
      timestamp: { relative: 1, absolute: "2026-01-01T10:00:01.000Z" },
      data: null,
    },
    target,
  );
}
