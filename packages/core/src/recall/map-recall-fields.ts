import type { z } from "zod";
import type { Participant, ResourceRef } from "../model/video-frame.js";
import type { RecallEnvelopeContext, TranscriptWord } from "./recall-event.js";
import type { RecallWireParticipant, RecallWireResource, recallTranscriptWordSchema } from "./recall-schemas.js";

/*
 * Mapping from validated wire values (snake_case, nullish everywhere Recall is lenient) to
 * framepipe's frozen camelCase values. Everything here assumes the schema already passed.
 */

/** Id given to a `realtime_endpoint` or event resource that Recall left out, as path templates render missing values. */
export const unknownResourceId = "unknown";

type WireMetadata = RecallWireResource["metadata"];

/** Strings kept, numbers and booleans stringified, nulls dropped; a missing record becomes `{}`. */
export function toMetadata(metadata: WireMetadata): Readonly<Record<string, string>> {
  const result: Record<string, string> = {};
  if (metadata) {
    for (const key of Object.keys(metadata)) {
      const value = metadata[key];
      if (value === null || value === undefined) continue;
      result[key] = typeof value === "string" ? value : String(value);
    }
  }
  return Object.freeze(result);
}

/** A required resource reference. */
export function toResource(resource: RecallWireResource): ResourceRef {
  return Object.freeze({ id: resource.id, metadata: toMetadata(resource.metadata) });
}

/** A resource Recall may omit: missing or null becomes `{ id: "unknown", metadata: {} }`. */
export function toOptionalResource(resource: RecallWireResource | null | undefined): ResourceRef {
  return resource ? toResource(resource) : Object.freeze({ id: unknownResourceId, metadata: Object.freeze({}) });
}

/** `recording`, `bot` (absent or null → null) and `realtime_endpoint` of an envelope. */
export function toContext(data: {
  readonly recording: RecallWireResource;
  readonly bot?: RecallWireResource | null | undefined;
  readonly realtime_endpoint?: RecallWireResource | null | undefined;
}): RecallEnvelopeContext {
  return {
    recording: toResource(data.recording),
    bot: data.bot ? toResource(data.bot) : null,
    realtimeEndpoint: toOptionalResource(data.realtime_endpoint),
  };
}

/** A participant with Recall's optional fields filled: name/platform/email null, isHost false, extraData `{}`. */
export function toParticipant(participant: RecallWireParticipant): Participant {
  return Object.freeze({
    id: participant.id,
    name: participant.name ?? null,
    isHost: participant.is_host ?? false,
    platform: participant.platform ?? null,
    email: participant.email ?? null,
    extraData: Object.freeze(participant.extra_data ?? {}),
  });
}

/** An ISO 8601 timestamp as a Date; null when missing or unparsable, so callers choose the fallback. */
export function toDate(absolute: string | null | undefined): Date | null {
  if (typeof absolute !== "string" || absolute === "") return null;
  const date = new Date(absolute);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A transcript word with its relative start and end in seconds (null when Recall omits them). */
export function toTranscriptWord(word: z.infer<typeof recallTranscriptWordSchema>): TranscriptWord {
  return Object.freeze({
    text: word.text,
    start: word.start_timestamp?.relative ?? null,
    end: word.end_timestamp?.relative ?? null,
  });
}
