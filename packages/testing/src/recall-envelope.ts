import { testIds } from "./test-ids.js";

/** A Recall resource reference as it appears on the wire. */
export interface WireResource {
  readonly id: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A resource given to a builder: any field left out gets a default. */
export interface ResourceInput {
  readonly id?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The resource key each event family uses inside `data`. */
export type RecallResourceKey =
  | "video_separate"
  | "audio_mixed"
  | "audio_separate"
  | "transcript"
  | "participant_events";

/** Exactly what Recall sends: `{ event, data: { data, realtime_endpoint, <resource>, recording, bot } }`. */
export interface RecallEnvelope<Data = unknown> {
  readonly event: string;
  readonly data: {
    readonly data: Data;
    readonly realtime_endpoint: WireResource;
    readonly recording: WireResource;
    readonly bot?: WireResource | null;
    readonly [resource: string]: unknown;
  };
}

/** The envelope fields every builder accepts. */
export interface EnvelopeOptions {
  readonly recording?: ResourceInput;
  /** `null` sends `"bot": null`; `"omit"` leaves the key out (both happen for non-bot recordings). */
  readonly bot?: ResourceInput | null | "omit";
  readonly realtimeEndpoint?: ResourceInput;
  /** The event-specific resource (`video_separate`, `transcript`, …). */
  readonly resource?: ResourceInput;
}

function wireResource(defaultId: string, input: ResourceInput | undefined): WireResource {
  return { id: input?.id ?? defaultId, metadata: { ...(input?.metadata ?? {}) } };
}

const defaultResourceIds: Readonly<Record<RecallResourceKey, string>> = {
  video_separate: testIds.videoSeparate,
  audio_mixed: testIds.audioMixed,
  audio_separate: testIds.audioSeparate,
  transcript: testIds.transcript,
  participant_events: testIds.participantEvents,
};

/**
 * Wraps event data in Recall's envelope. Key order follows Recall's documentation: `data`,
 * `realtime_endpoint`, the resource, `recording`, `bot`. Use it directly for events without a
 * dedicated builder (e.g. misspelt or future event names).
 */
export function recallEnvelope<Data>(
  event: string,
  resourceKey: RecallResourceKey | (string & {}),
  data: Data,
  options: EnvelopeOptions = {},
): RecallEnvelope<Data> {
  const envelope: Record<string, unknown> = {
    data,
    realtime_endpoint: wireResource(testIds.realtimeEndpoint, options.realtimeEndpoint),
    [resourceKey]: wireResource(
      defaultResourceIds[resourceKey as RecallResourceKey] ?? testIds.videoSeparate,
      options.resource,
    ),
    recording: wireResource(testIds.recording, options.recording),
  };
  if (options.bot !== "omit") {
    envelope.bot = options.bot === null ? null : wireResource(testIds.bot, options.bot);
  }
  return { event, data: envelope as RecallEnvelope<Data>["data"] };
}
