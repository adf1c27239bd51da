import type { FrameType, IncomingFrame, Participant, ResourceRef } from "../model/video-frame.js";
import type { TruncatedField } from "./bounded-values.js";

/** Participant event names Recall sends as `participant_events.<action>`. */
export type ParticipantAction =
  | "join"
  | "leave"
  | "update"
  | "speech_on"
  | "speech_off"
  | "webcam_on"
  | "webcam_off"
  | "screenshare_on"
  | "screenshare_off"
  | "chat_message";

/** The resources every Recall envelope names, besides the event-specific resource. */
export interface RecallEnvelopeContext {
  readonly recording: ResourceRef;
  readonly bot: ResourceRef | null;
  readonly realtimeEndpoint: ResourceRef;
}

/** A `video_separate_png.data` message, decoded: the frame without its `seq`. */
export interface VideoFrameEvent {
  readonly kind: "video-frame";
  readonly event: "video_separate_png.data";
  readonly frame: IncomingFrame;
}

/** A `video_separate_h264.data` message: one Annex-B access unit. Not a frame framepipe processes. */
export interface VideoH264Event extends RecallEnvelopeContext {
  readonly kind: "video-h264";
  readonly event: "video_separate_h264.data";
  readonly participant: Participant;
  readonly type: FrameType;
  readonly timestamp: { readonly relative: number; readonly absolute: Date | null };
  readonly data: Buffer;
  readonly receivedAt: number;
}

/** A `participant_events.*` message. */
export interface ParticipantEvent extends RecallEnvelopeContext {
  readonly kind: "participant";
  readonly event: `participant_events.${ParticipantAction}`;
  readonly action: ParticipantAction;
  readonly participant: Participant;
  readonly timestamp: { readonly relative: number | null; readonly absolute: Date | null };
  /** Chat messages only. */
  readonly chat: { readonly text: string; readonly to: string | null } | null;
  readonly receivedAt: number;
}

/** One transcribed word. */
export interface TranscriptWord {
  readonly text: string;
  readonly start: number | null;
  readonly end: number | null;
}

/** A `transcript.data` / `transcript.partial_data` / `transcript.provider_data` message. */
export interface TranscriptEvent extends RecallEnvelopeContext {
  readonly kind: "transcript";
  readonly event: "transcript.data" | "transcript.partial_data" | "transcript.provider_data";
  readonly partial: boolean;
  readonly participant: Participant | null;
  readonly words: readonly TranscriptWord[];
  /** The raw `data.data` for provider payloads and anything not modelled. */
  readonly raw: unknown;
  readonly receivedAt: number;
}

/** An `audio_mixed_raw.data` or `audio_separate_raw.data` message (S16LE, 16 kHz, mono). */
export interface AudioEvent extends RecallEnvelopeContext {
  readonly kind: "audio";
  readonly event: "audio_mixed_raw.data" | "audio_separate_raw.data";
  readonly participant: Participant | null;
  readonly timestamp: { readonly relative: number | null; readonly absolute: Date | null };
  readonly data: Buffer;
  readonly receivedAt: number;
}

/** Any other event name, including misspellings such as `participant_event.join`. Never an error. */
export interface UnknownEvent {
  readonly kind: "unknown";
  readonly event: string;
  /** Envelope context when it was readable. */
  readonly context: RecallEnvelopeContext | null;
  readonly raw: unknown;
  readonly receivedAt: number;
}

/** Every typed event a Recall realtime connection can carry. */
export type RecallEvent =
  | VideoFrameEvent
  | VideoH264Event
  | ParticipantEvent
  | TranscriptEvent
  | AudioEvent
  | UnknownEvent;

/** Kinds of bad input. Each is counted by kind; none of them throws. */
export type ParseProblemKind =
  | "invalid-json" //      not JSON at all
  | "invalid-utf8" //      text that is not UTF-8 (binary input only)
  | "schema" //            JSON that does not match the envelope or the event's schema
  | "invalid-base64" //    `buffer` is not base64
  | "not-png" //           `buffer` decodes to something other than a PNG
  | "truncated-png" //     a PNG cut off: no complete IHDR, or the bytes stop before IEND
  | "corrupt-png" //       a complete PNG with a CRC mismatch, chunks out of order or bytes after IEND
  | "too-many-pixels" //   a PNG whose IHDR claims more than `maxPixels` pixels (a decompression bomb)
  | "too-large" //         over the configured maximum message size
  | "unsupported-binary"; // a binary message that is not the legacy protocol

/** Why a message could not be turned into an event. */
export interface ParseProblem {
  readonly kind: ParseProblemKind;
  /** One line, safe to log: never includes payload bytes. */
  readonly message: string;
  /** For `schema`: the failing path, e.g. `data.data.participant.id`. */
  readonly path?: string;
  /** The event name when it could be read. */
  readonly event?: string;
  /** Size of the raw message in bytes. */
  readonly bytes: number;
}

/**
 * The outcome of parsing one message: never an exception. `truncated` lists the values that had
 * to be shortened or dropped to stay within `recallValueLimits`; absent when none did.
 */
export type ParseResult =
  | { readonly ok: true; readonly event: RecallEvent; readonly truncated?: readonly TruncatedField[] }
  | { readonly ok: false; readonly problem: ParseProblem };

/** Options for parsing Recall messages. */
export interface ParseOptions {
  /** Messages larger than this are `too-large`. Default 16 MiB. */
  readonly maxBytes?: number;
  /**
   * Frames whose PNG header claims more pixels (width × height) than this are `too-many-pixels`,
   * refused before anything decodes them. Default 4096×2304 (`defaultMaxPixels`).
   */
  readonly maxPixels?: number;
  /**
   * Messages whose envelope (everything but `data.data.buffer`) is larger than this, in bytes, are
   * `schema`: Recall's are a few kilobytes. Default 256 KiB (`defaultMaxEnvelopeBytes`).
   */
  readonly maxEnvelopeBytes?: number;
  /** Monotonic receive time to stamp on events; defaults to `performance.now()` at parse. */
  readonly receivedAt?: number;
}
