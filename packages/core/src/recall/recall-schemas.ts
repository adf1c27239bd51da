import { z } from "zod";

/*
 * Schemas of the Recall realtime wire format, as Recall sends it (snake_case). They validate only:
 * mapping to framepipe's camelCase events happens in `build-recall-event.ts`, so these schemas stay
 * plain (no transforms) and `z.toJSONSchema` works on every one of them.
 *
 * Policy: strict on what framepipe needs to route a frame (`event`, `buffer`, `participant.id`,
 * `type`, `timestamp.relative`, `recording.id`), lenient wherever Recall is known to omit or null a
 * field. Unknown keys are always accepted, since Recall adds fields over time.
 */

/**
 * A metadata value. Recall documents strings of at most 500 characters; numbers and booleans are
 * accepted and stringified, nulls are dropped, objects and arrays are rejected (lenient but typed).
 * Longer strings are accepted here and bounded when mapped (`recallValueLimits`).
 */
export const recallMetadataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A metadata record; absent or null means `{}`. */
export const recallMetadataSchema = z.record(z.string(), recallMetadataValueSchema).nullish();

/** `{ id, metadata }`, the shape of `recording`, `bot`, `realtime_endpoint` and the event resource. */
export const recallResourceSchema = z.object({
  id: z.string(),
  metadata: recallMetadataSchema,
});

/** A resource Recall may omit (`realtime_endpoint`, the event resource): absent or null is tolerated. */
export const recallOptionalResourceSchema = recallResourceSchema.nullish();

/** A participant. Only `id` is required; it must be a non-negative integer (a numeric string is rejected). */
export const recallParticipantSchema = z.object({
  id: z.number().int().min(0),
  name: z.string().nullish(),
  is_host: z.boolean().nullish(),
  platform: z.string().nullish(),
  email: z.string().nullish(),
  extra_data: z.record(z.string(), z.unknown()).nullish(),
});

/** A timestamp whose `relative` part is required (video frames). */
export const recallRequiredTimestampSchema = z.object({
  relative: z.number(),
  absolute: z.string().nullish(),
});

/** A timestamp Recall may omit or leave partial (participant, audio events). */
export const recallOptionalTimestampSchema = z
  .object({
    relative: z.number().nullish(),
    absolute: z.string().nullish(),
  })
  .nullish();

/** `data.data` of `video_separate_png.data` and `video_separate_h264.data`. */
export const recallVideoDataSchema = z.object({
  buffer: z.string(),
  timestamp: recallRequiredTimestampSchema,
  type: z.enum(["webcam", "screenshare"]),
  participant: recallParticipantSchema,
});

/** `data.data` of every `participant_events.*` message; `data` holds `{ text, to }` for chat messages only. */
export const recallParticipantEventDataSchema = z.object({
  participant: recallParticipantSchema,
  timestamp: recallOptionalTimestampSchema,
  data: z
    .object({
      text: z.string(),
      to: z.string().nullish(),
    })
    .nullish(),
});

/** One word of a transcript. */
export const recallTranscriptWordSchema = z.object({
  text: z.string(),
  start_timestamp: z.object({ relative: z.number().nullish() }).nullish(),
  end_timestamp: z.object({ relative: z.number().nullish() }).nullish(),
});

/** `data.data` of `transcript.data` and `transcript.partial_data`. */
export const recallTranscriptDataSchema = z.object({
  words: z.array(recallTranscriptWordSchema).nullish(),
  participant: recallParticipantSchema.nullish(),
});

/** `data.data` of `transcript.provider_data`: the provider's own payload, anything goes. */
export const recallTranscriptProviderDataSchema = z.unknown();

/** `data.data` of `audio_mixed_raw.data`: base64 S16LE, 16 kHz, mono. */
export const recallAudioMixedDataSchema = z.object({
  buffer: z.string(),
  timestamp: recallOptionalTimestampSchema,
});

/** `data.data` of `audio_separate_raw.data`. */
export const recallAudioSeparateDataSchema = z.object({
  buffer: z.string(),
  timestamp: recallOptionalTimestampSchema,
  participant: recallParticipantSchema,
});

/** The fields every envelope shares, around `data.data` and the event's resource. */
function envelopeSchema<Data extends z.ZodType, Resource extends string>(eventData: Data, resourceKey: Resource) {
  return z.object({
    event: z.string(),
    data: z.object({
      data: eventData,
      realtime_endpoint: recallOptionalResourceSchema,
      recording: recallResourceSchema,
      bot: recallResourceSchema.nullish(),
      ...({ [resourceKey]: recallOptionalResourceSchema } as Record<Resource, typeof recallOptionalResourceSchema>),
    }),
  });
}

/** The minimum every message must have to be routed: a string `event`. */
export const recallEventNameSchema = z.object({ event: z.string() });

/** The envelope context of any event, used to describe unknown events when it is readable. */
export const recallContextSchema = z.object({
  data: z.object({
    realtime_endpoint: recallOptionalResourceSchema,
    recording: recallResourceSchema,
    bot: recallResourceSchema.nullish(),
  }),
});

/**
 * Whole-message schemas, by Recall event name. Users can validate or export them
 * (`z.toJSONSchema(recallSchemas.messages["video_separate_png.data"])`).
 */
export const recallMessageSchemas = {
  "video_separate_png.data": envelopeSchema(recallVideoDataSchema, "video_separate"),
  "video_separate_h264.data": envelopeSchema(recallVideoDataSchema, "video_separate"),
  "participant_events.*": envelopeSchema(recallParticipantEventDataSchema, "participant_events"),
  "transcript.data": envelopeSchema(recallTranscriptDataSchema, "transcript"),
  "transcript.partial_data": envelopeSchema(recallTranscriptDataSchema, "transcript"),
  "transcript.provider_data": envelopeSchema(recallTranscriptProviderDataSchema, "transcript"),
  "audio_mixed_raw.data": envelopeSchema(recallAudioMixedDataSchema, "audio_mixed"),
  "audio_separate_raw.data": envelopeSchema(recallAudioSeparateDataSchema, "audio_separate"),
} as const;

/** The Recall wire-format schemas, grouped for users who want to validate or document payloads themselves. */
export const recallSchemas = {
  metadata: recallMetadataSchema,
  resource: recallResourceSchema,
  participant: recallParticipantSchema,
  videoData: recallVideoDataSchema,
  participantEventData: recallParticipantEventDataSchema,
  transcriptData: recallTranscriptDataSchema,
  transcriptProviderData: recallTranscriptProviderDataSchema,
  audioMixedData: recallAudioMixedDataSchema,
  audioSeparateData: recallAudioSeparateDataSchema,
  context: recallContextSchema,
  messages: recallMessageSchemas,
} as const;

/** Wire shape of a participant (snake_case), after validation. */
export type RecallWireParticipant = z.infer<typeof recallParticipantSchema>;
/** Wire shape of a resource reference, after validation. */
export type RecallWireResource = z.infer<typeof recallResourceSchema>;
/** Wire shape of an optional timestamp, after validation. */
export type RecallWireTimestamp = z.infer<typeof recallOptionalTimestampSchema>;
