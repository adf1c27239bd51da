import type { z } from "zod";
import type { Participant, ResourceRef } from "../model/video-frame.js";
import {
  type BoundedResource,
  boundExtraData,
  boundOptionalText,
  boundText,
  recallValueLimits,
  type TruncationNotes,
} from "./bounded-values.js";
import type { RecallEnvelopeContext, TranscriptWord } from "./recall-event.js";
import type { RecallWireParticipant, RecallWireResource, recallTranscriptWordSchema } from "./recall-schemas.js";

/*
 * Mapping from validated wire values (snake_case, nullish everywhere Recall is lenient) to
 * framepipe's frozen camelCase values. Everything here assumes the schema already passed. Values
 * are bounded on the way (see `bounded-values.ts`), each truncation noted in `notes`.
 */

/** Id given to a `realtime_endpoint` or event resource that Recall left out, as path templates render missing values. */
export const unknownResourceId = "unknown";

type WireMetadata = RecallWireResource["metadata"];

/**
 * Strings kept, numbers and booleans stringified, nulls dropped; a missing record becomes `{}`.
 * At most `recallValueLimits.metadataKeys` keys are kept, each key and value bounded in size.
 */
export function toMetadata(
  metadata: WireMetadata,
  resource: BoundedResource,
  notes: TruncationNotes,
): Readonly<Record<string, string>> {
  const result: Record<string, string> = {};
  if (metadata) {
    const { metadataKeys, metadataKeyBytes, metadataValueBytes } = recallValueLimits;
    let kept = 0;
    for (const key of Object.keys(metadata)) {
      const value = metadata[key];
      if (value === null || value === undefined) continue;
      if (kept === metadataKeys) {
        notes.truncated(`${resource}.metadata`);
        break;
      }
      const text = typeof value === "string" ? value : String(value);
      const boundedKey = boundText(key, metadataKeyBytes);
      const boundedValue = boundText(text, metadataValueBytes);
      if (boundedKey !== key || boundedValue !== text) notes.truncated(`${resource}.metadata`);
      result[boundedKey] = boundedValue;
      kept += 1;
    }
  }
  return Object.freeze(result);
}

/** A required resource reference, its id bounded like every kept text. */
export function toResource(resource: RecallWireResource, which: BoundedResource, notes: TruncationNotes): ResourceRef {
  const id = boundText(resource.id, recallValueLimits.textBytes);
  if (id !== resource.id) notes.truncated(`${which}.id`);
  return Object.freeze({ id, metadata: toMetadata(resource.metadata, which, notes) });
}

/** A resource Recall may omit: missing or null becomes `{ id: "unknown", metadata: {} }`. */
export function toOptionalResource(
  resource: RecallWireResource | null | undefined,
  which: BoundedResource,
  notes: TruncationNotes,
): ResourceRef {
  return resource
    ? toResource(resource, which, notes)
    : Object.freeze({ id: unknownResourceId, metadata: Object.freeze({}) });
}

/** `recording`, `bot` (absent or null → null) and `realtime_endpoint` of an envelope. */
export function toContext(
  data: {
    readonly recording: RecallWireResource;
    readonly bot?: RecallWireResource | null | undefined;
    readonly realtime_endpoint?: RecallWireResource | null | undefined;
  },
  notes: TruncationNotes,
): RecallEnvelopeContext {
  return {
    recording: toResource(data.recording, "recording", notes),
    bot: data.bot ? toResource(data.bot, "bot", notes) : null,
    realtimeEndpoint: toOptionalResource(data.realtime_endpoint, "realtime_endpoint", notes),
  };
}

/**
 * A participant with Recall's optional fields filled: name/platform/email null, isHost false,
 * extraData `{}`. Name, platform and email are bounded; an over-large `extra_data` becomes `{}`.
 */
export function toParticipant(participant: RecallWireParticipant, notes: TruncationNotes): Participant {
  return Object.freeze({
    id: participant.id,
    name: boundOptionalText(participant.name, "participant.name", notes),
    isHost: participant.is_host ?? false,
    platform: boundOptionalText(participant.platform, "participant.platform", notes),
    email: boundOptionalText(participant.email, "participant.email", notes),
    extraData: boundExtraData(participant.extra_data, notes),
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
