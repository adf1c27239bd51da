import { freezeFrame, type IncomingFrame } from "../model/video-frame.js";
import type { TruncationNotes } from "./bounded-values.js";
import { toContext, toDate, toOptionalResource, toParticipant, toTranscriptWord } from "./map-recall-fields.js";
import { failure, schemaFailure } from "./parse-problem.js";
import type { ParseResult, ParticipantAction, RecallEvent } from "./recall-event.js";
import { recallContextSchema, recallMessageSchemas, recallParticipantSchema } from "./recall-schemas.js";
import { validatePng } from "./validate-png.js";

/*
 * One builder per Recall event: validate the whole message with its zod schema, decode the
 * buffer where there is one, map to the frozen camelCase event of recall-event.ts.
 */

/** Returned by a builder when the fast path's base64 span cannot be decoded as is (see `parse-recall-message.ts`). */
export const retryWithFullParse: unique symbol = Symbol("retryWithFullParse");

/** What a builder produces. */
export type BuildOutcome = ParseResult | typeof retryWithFullParse;

/** What builders need besides the parsed JSON. */
export interface MessageContext {
  readonly receivedAt: number;
  /** Largest width × height of a frame (see `ParseOptions.maxPixels`). */
  readonly maxPixels: number;
  /** Size of the raw message in bytes (computed on demand for strings). */
  bytes(): number;
  /** Told of every value that had to be shortened or dropped (see `bounded-values.ts`). */
  readonly notes: TruncationNotes;
  /**
   * Decodes the `buffer` field whose parsed text is `text`: the bytes, `null` when it is not base64,
   * or {@link retryWithFullParse} when the fast path must give way to a plain parse first.
   */
  readBuffer(text: string): Buffer | null | typeof retryWithFullParse;
}

/**
 * `video_separate_png.data`: a frame with its PNG dimensions read from IHDR, once the PNG's size
 * and structure passed `validatePng` (a frame a decoder would choke on is refused here, counted,
 * rather than stored as is or failing later in a transform).
 */
export function buildVideoFrame(value: unknown, event: string, context: MessageContext): BuildOutcome {
  const parsed = recallMessageSchemas["video_separate_png.data"].safeParse(value);
  if (!parsed.success) return schemaFailure(parsed.error.issues, context.bytes(), event);
  const envelope = parsed.data.data;
  const data = envelope.data;
  const image = decodeBuffer(data.buffer, event, context);
  if (!Buffer.isBuffer(image)) return image;
  const header = validatePng(image, { maxPixels: context.maxPixels });
  if (!header.ok) return failure(header.kind, header.message, context.bytes(), { event });
  const frame: IncomingFrame = freezeFrame({
    ...toContext(envelope, context.notes),
    videoSeparate: toOptionalResource(envelope.video_separate, "video_separate", context.notes),
    participant: toParticipant(data.participant, context.notes),
    type: data.type,
    // A frame must carry a capture time; when Recall's is missing or unreadable, the parse time is
    // the closest honest stand-in (frames arrive within milliseconds of capture).
    timestamp: { relative: data.timestamp.relative, absolute: toDate(data.timestamp.absolute) ?? new Date() },
    image: { data: image, format: "png", width: header.width, height: header.height },
    receivedAt: context.receivedAt,
  });
  return success({ kind: "video-frame", event: "video_separate_png.data", frame });
}

/** `video_separate_h264.data`: one Annex-B access unit, passed through undecoded. */
export function buildVideoH264(value: unknown, event: string, context: MessageContext): BuildOutcome {
  const parsed = recallMessageSchemas["video_separate_h264.data"].safeParse(value);
  if (!parsed.success) return schemaFailure(parsed.error.issues, context.bytes(), event);
  const envelope = parsed.data.data;
  const data = envelope.data;
  const bytes = decodeBuffer(data.buffer, event, context);
  if (!Buffer.isBuffer(bytes)) return bytes;
  return success({
    kind: "video-h264",
    event: "video_separate_h264.data",
    ...toContext(envelope, context.notes),
    participant: toParticipant(data.participant, context.notes),
    type: data.type,
    timestamp: Object.freeze({ relative: data.timestamp.relative, absolute: toDate(data.timestamp.absolute) }),
    data: bytes,
    receivedAt: context.receivedAt,
  });
}

/** `participant_events.<action>`, for every action in {@link ParticipantAction}. */
export function buildParticipantEvent(
  value: unknown,
  action: ParticipantAction,
  context: MessageContext,
): BuildOutcome {
  const event = `participant_events.${action}` as const;
  const parsed = recallMessageSchemas["participant_events.*"].safeParse(value);
  if (!parsed.success) return schemaFailure(parsed.error.issues, context.bytes(), event);
  const envelope = parsed.data.data;
  const data = envelope.data;
  return success({
    kind: "participant",
    event,
    action,
    ...toContext(envelope, context.notes),
    participant: toParticipant(data.participant, context.notes),
    timestamp: Object.freeze({
      relative: data.timestamp?.relative ?? null,
      absolute: toDate(data.timestamp?.absolute),
    }),
    chat: data.data ? Object.freeze({ text: data.data.text, to: data.data.to ?? null }) : null,
    receivedAt: context.receivedAt,
  });
}

/** `transcript.data`, `transcript.partial_data` and `transcript.provider_data`. */
export function buildTranscript(
  value: unknown,
  event: "transcript.data" | "transcript.partial_data" | "transcript.provider_data",
  context: MessageContext,
): BuildOutcome {
  const common = { kind: "transcript", event, partial: event === "transcript.partial_data" } as const;
  if (event === "transcript.provider_data") {
    const parsed = recallMessageSchemas[event].safeParse(value);
    if (!parsed.success) return schemaFailure(parsed.error.issues, context.bytes(), event);
    const raw = parsed.data.data.data;
    // Provider payloads have no fixed shape; use a participant only if one is plainly there.
    const participant = recallParticipantSchema.safeParse(isRecord(raw) ? raw.participant : undefined);
    return success({
      ...common,
      ...toContext(parsed.data.data, context.notes),
      participant: participant.success ? toParticipant(participant.data, context.notes) : null,
      words: Object.freeze([]),
      raw,
      receivedAt: context.receivedAt,
    });
  }
  const parsed = recallMessageSchemas[event].safeParse(value);
  if (!parsed.success) return schemaFailure(parsed.error.issues, context.bytes(), event);
  const envelope = parsed.data.data;
  return success({
    ...common,
    ...toContext(envelope, context.notes),
    participant: envelope.data.participant ? toParticipant(envelope.data.participant, context.notes) : null,
    words: Object.freeze((envelope.data.words ?? []).map(toTranscriptWord)),
    // zod's output drops unknown keys: expose what Recall really sent.
    raw: rawData(value),
    receivedAt: context.receivedAt,
  });
}

/** `audio_mixed_raw.data` (no participant) and `audio_separate_raw.data`. */
export function buildAudio(
  value: unknown,
  event: "audio_mixed_raw.data" | "audio_separate_raw.data",
  context: MessageContext,
): BuildOutcome {
  const parsed = recallMessageSchemas[event].safeParse(value);
  if (!parsed.success) return schemaFailure(parsed.error.issues, context.bytes(), event);
  const envelope = parsed.data.data;
  const data = envelope.data;
  const bytes = decodeBuffer(data.buffer, event, context);
  if (!Buffer.isBuffer(bytes)) return bytes;
  return success({
    kind: "audio",
    event,
    ...toContext(envelope, context.notes),
    participant: "participant" in data ? toParticipant(data.participant, context.notes) : null,
    timestamp: Object.freeze({
      relative: data.timestamp?.relative ?? null,
      absolute: toDate(data.timestamp?.absolute),
    }),
    data: bytes,
    receivedAt: context.receivedAt,
  });
}

/** Any other event name. Never a problem: its context is attached when it is readable. */
export function buildUnknown(value: unknown, event: string, context: MessageContext): BuildOutcome {
  const parsed = recallContextSchema.safeParse(value);
  return success({
    kind: "unknown",
    event,
    context: parsed.success ? Object.freeze(toContext(parsed.data.data, context.notes)) : null,
    raw: value,
    receivedAt: context.receivedAt,
  });
}

function decodeBuffer(text: string, event: string, context: MessageContext): Buffer | BuildOutcome {
  const bytes = context.readBuffer(text);
  if (bytes === retryWithFullParse) return retryWithFullParse;
  if (bytes === null) {
    return failure("invalid-base64", "data.data.buffer is not valid base64", context.bytes(), { event });
  }
  return bytes;
}

function success(event: RecallEvent): ParseResult {
  return Object.freeze({ ok: true, event: Object.freeze(event) });
}

function rawData(value: unknown): unknown {
  return isRecord(value) && isRecord(value.data) ? value.data.data : undefined;
}

/** A non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
