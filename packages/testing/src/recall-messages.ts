import type { FrameType, IncomingFrame, ParticipantAction } from "@framepipe/core";
import { createTestPng } from "./frame-factory.js";
import { type EnvelopeOptions, type RecallEnvelope, recallEnvelope } from "./recall-envelope.js";
import { testIds, testRecordingStart } from "./test-ids.js";

/** Wire field names of a participant, for {@link ParticipantInput.omit}. */
export type WireParticipantField = "name" | "is_host" | "platform" | "extra_data" | "email";

/** A participant given to a builder, in framepipe's camelCase; sent in Recall's snake_case. */
export interface ParticipantInput {
  /** Default 100. */
  readonly id?: number;
  /** Default `Participant <id>`. `null` or `""` as Recall sends before the name is known. */
  readonly name?: string | null;
  /** Default false. */
  readonly isHost?: boolean;
  /** Default `desktop`. */
  readonly platform?: string | null;
  /** Sent only when given (Recall sends it only with calendar integration). */
  readonly email?: string | null;
  /** Default `{}`. */
  readonly extraData?: Readonly<Record<string, unknown>>;
  /** Wire fields to leave out altogether, as seen from some platforms (`platform`, `extra_data`). */
  readonly omit?: readonly WireParticipantField[];
}

/** A timestamp given to a builder. */
export interface TimestampInput {
  /** Seconds since the recording started. Default 0. */
  readonly relative?: number;
  /** ISO 8601 string or Date. Default {@link testRecordingStart} + `relative`. */
  readonly absolute?: string | Date;
}

/** Recall's participant object: `{ id, name, is_host, platform, extra_data, email? }`. */
export function wireParticipant(input: ParticipantInput = {}): Record<string, unknown> {
  const id = input.id ?? testIds.participantId;
  const participant: Record<string, unknown> = {
    id,
    name: input.name === undefined ? `Participant ${id}` : input.name,
    is_host: input.isHost ?? false,
    platform: input.platform === undefined ? "desktop" : input.platform,
    extra_data: { ...(input.extraData ?? {}) },
  };
  if (input.email !== undefined) participant.email = input.email;
  for (const field of input.omit ?? []) delete participant[field];
  return participant;
}

function wireTimestamp(input: TimestampInput = {}): { absolute: string; relative: number } {
  const relative = input.relative ?? 0;
  const absolute = input.absolute ?? new Date(testRecordingStart.getTime() + relative * 1000);
  return { absolute: typeof absolute === "string" ? absolute : absolute.toISOString(), relative };
}

/** Options of {@link videoFrameMessage}. */
export interface VideoFrameMessageOptions extends EnvelopeOptions {
  readonly participant?: ParticipantInput;
  /** Default `webcam`. */
  readonly type?: FrameType;
  readonly timestamp?: TimestampInput;
  /** The PNG to send. Default: a small test PNG for the participant. */
  readonly png?: Buffer;
  /** Already-encoded base64 (e.g. from {@link FrameLibrary.base64}); wins over `png`. */
  readonly base64?: string;
}

/** A `video_separate_png.data` envelope (resource key `video_separate`). */
export function videoFrameEnvelope(options: VideoFrameMessageOptions = {}): RecallEnvelope {
  const timestamp = wireTimestamp(options.timestamp);
  const participantId = options.participant?.id ?? testIds.participantId;
  const buffer =
    options.base64 ??
    (options.png ?? createTestPng({ participantId, seq: Math.round(timestamp.relative * 2) })).toString("base64");
  return recallEnvelope(
    "video_separate_png.data",
    "video_separate",
    {
      buffer,
      timestamp: { relative: timestamp.relative, absolute: timestamp.absolute },
      type: options.type ?? "webcam",
      participant: wireParticipant(options.participant),
    },
    options,
  );
}

/**
 * Builder options that describe an existing frame, so `videoFrameMessage(videoFrameMessageOptionsOf(frame))`
 * is the message Recall would have sent for it (useful for simulators and round-trip tests).
 */
export function videoFrameMessageOptionsOf(frame: IncomingFrame): VideoFrameMessageOptions {
  return {
    recording: frame.recording,
    bot: frame.bot,
    realtimeEndpoint: frame.realtimeEndpoint,
    resource: frame.videoSeparate,
    participant: {
      id: frame.participant.id,
      name: frame.participant.name,
      isHost: frame.participant.isHost,
      platform: frame.participant.platform,
      email: frame.participant.email,
      extraData: frame.participant.extraData,
    },
    type: frame.type,
    timestamp: { relative: frame.timestamp.relative, absolute: frame.timestamp.absolute },
    png: frame.image.data,
  };
}

/** A `video_separate_png.data` message as the JSON text Recall sends. */
export function videoFrameMessage(options: VideoFrameMessageOptions = {}): string {
  return JSON.stringify(videoFrameEnvelope(options));
}

/** Options of {@link participantEventMessage}. */
export interface ParticipantEventMessageOptions extends EnvelopeOptions {
  readonly participant?: ParticipantInput;
  readonly timestamp?: TimestampInput;
  /** `data` of a `chat_message`; default `{ text: "Hello everyone", to: "everyone" }`. Other actions send `null`. */
  readonly chat?: { readonly text: string; readonly to: string | null };
}

/** A `participant_events.<action>` envelope: `data.data = { participant, timestamp, data }`. */
export function participantEventEnvelope(
  action: ParticipantAction,
  options: ParticipantEventMessageOptions = {},
): RecallEnvelope {
  const chat = action === "chat_message" ? { ...(options.chat ?? { text: "Hello everyone", to: "everyone" }) } : null;
  return recallEnvelope(
    `participant_events.${action}`,
    "participant_events",
    { participant: wireParticipant(options.participant), timestamp: wireTimestamp(options.timestamp), data: chat },
    options,
  );
}

/** A `participant_events.<action>` message as JSON text. */
export function participantEventMessage(
  action: ParticipantAction,
  options: ParticipantEventMessageOptions = {},
): string {
  return JSON.stringify(participantEventEnvelope(action, options));
}

/** One word for {@link transcriptMessage}: start and end in seconds since the recording started. */
export interface TranscriptWordInput {
  readonly text: string;
  readonly start: number;
  /** `null` while a partial result is still open. */
  readonly end?: number | null;
}

/** Options of {@link transcriptMessage}. */
export interface TranscriptMessageOptions extends EnvelopeOptions {
  /** Default `transcript.data`. */
  readonly event?: "transcript.data" | "transcript.partial_data" | "transcript.provider_data";
  /** Default two words, "hello world". */
  readonly words?: readonly TranscriptWordInput[];
  /** `null` for a transcript without speaker attribution. */
  readonly participant?: ParticipantInput | null;
  /** `data.data` of `transcript.provider_data`: the provider's own payload. */
  readonly providerData?: unknown;
}

/** A `transcript.*` envelope (resource key `transcript`). */
export function transcriptEnvelope(options: TranscriptMessageOptions = {}): RecallEnvelope {
  const event = options.event ?? "transcript.data";
  if (event === "transcript.provider_data") {
    return recallEnvelope(event, "transcript", options.providerData ?? { provider: "test", payload: {} }, options);
  }
  const words = options.words ?? [
    { text: "hello", start: 1, end: 1.4 },
    { text: "world", start: 1.5, end: 1.9 },
  ];
  return recallEnvelope(
    event,
    "transcript",
    {
      words: words.map((word) => ({
        text: word.text,
        start_timestamp: { relative: word.start },
        end_timestamp: word.end === null || word.end === undefined ? null : { relative: word.end },
      })),
      participant: options.participant === null ? null : wireParticipant(options.participant),
    },
    options,
  );
}

/** A `transcript.*` message as JSON text. */
export function transcriptMessage(options: TranscriptMessageOptions = {}): string {
  return JSON.stringify(transcriptEnvelope(options));
}

/** 20 ms of a 440 Hz tone, S16LE 16 kHz mono: Recall's raw audio format. */
function defaultPcm(): Buffer {
  const samples = 320;
  const pcm = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index += 1) {
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * index) / 16000)), index * 2);
  }
  return pcm;
}

/** Options of {@link audioMixedMessage}. */
export interface AudioMixedMessageOptions extends EnvelopeOptions {
  /** S16LE 16 kHz mono samples. Default 20 ms of a tone. */
  readonly pcm?: Buffer;
  readonly timestamp?: TimestampInput;
}

/** An `audio_mixed_raw.data` envelope (resource key `audio_mixed`). */
export function audioMixedEnvelope(options: AudioMixedMessageOptions = {}): RecallEnvelope {
  return recallEnvelope(
    "audio_mixed_raw.data",
    "audio_mixed",
    { buffer: (options.pcm ?? defaultPcm()).toString("base64"), timestamp: wireTimestamp(options.timestamp) },
    options,
  );
}

/** An `audio_mixed_raw.data` message as JSON text. */
export function audioMixedMessage(options: AudioMixedMessageOptions = {}): string {
  return JSON.stringify(audioMixedEnvelope(options));
}

/** Options of {@link audioSeparateMessage}. */
export interface AudioSeparateMessageOptions extends AudioMixedMessageOptions {
  readonly participant?: ParticipantInput;
}

/** An `audio_separate_raw.data` envelope (resource key `audio_separate`). */
export function audioSeparateEnvelope(options: AudioSeparateMessageOptions = {}): RecallEnvelope {
  return recallEnvelope(
    "audio_separate_raw.data",
    "audio_separate",
    {
      buffer: (options.pcm ?? defaultPcm()).toString("base64"),
      timestamp: wireTimestamp(options.timestamp),
      participant: wireParticipant(options.participant),
    },
    options,
  );
}

/** An `audio_separate_raw.data` message as JSON text. */
export function audioSeparateMessage(options: AudioSeparateMessageOptions = {}): string {
  return JSON.stringify(audioSeparateEnvelope(options));
}

/** Options of {@link h264Message}. */
export interface H264MessageOptions extends EnvelopeOptions {
  readonly participant?: ParticipantInput;
  /** Default `webcam`. */
  readonly type?: FrameType;
  readonly timestamp?: TimestampInput;
  /** One Annex-B access unit. Default: an access unit delimiter alone. */
  readonly accessUnit?: Buffer;
}

/** A `video_separate_h264.data` envelope: shaped like the PNG event, `buffer` holds H.264. */
export function h264Envelope(options: H264MessageOptions = {}): RecallEnvelope {
  const accessUnit = options.accessUnit ?? Buffer.from([0x00, 0x00, 0x00, 0x01, 0x09, 0xf0]);
  return recallEnvelope(
    "video_separate_h264.data",
    "video_separate",
    {
      buffer: accessUnit.toString("base64"),
      timestamp: wireTimestamp(options.timestamp),
      type: options.type ?? "webcam",
      participant: wireParticipant(options.participant),
    },
    options,
  );
}

/** A `video_separate_h264.data` message as JSON text. */
export function h264Message(options: H264MessageOptions = {}): string {
  return JSON.stringify(h264Envelope(options));
}
