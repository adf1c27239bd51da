import { createHash } from "node:crypto";
import type { FrameType, GroupInfo, IncomingFrame, StreamInfo, VideoFrame } from "@framepipe/core/plugin";
import { headers as createHeaders, type MsgHdrs } from "nats";
import { toSubjectToken } from "./subject-token.js";

/**
 * The wire format of framepipe on NATS (version 1). A frame travels as one message: the encoded
 * image is the body, the frame's fields are headers, so a consumer (or `nats sub`) reads them
 * without parsing the body. Strings that come from outside (ids, names, metadata) are
 * percent-encoded (`encodeURIComponent`): NATS header values must be one line of ASCII.
 */
export const WIRE_VERSION = "1";

/** Header names. */
export const Header = {
  version: "Framepipe-Version",
  /** `frame`, `stream-end` or `group-end`. */
  kind: "Framepipe-Kind",
  recordingId: "Framepipe-Recording-Id",
  botId: "Framepipe-Bot-Id",
  participantId: "Framepipe-Participant-Id",
  participantName: "Framepipe-Participant-Name",
  type: "Framepipe-Type",
  seq: "Framepipe-Seq",
  /** Seconds since the recording started, as a decimal number. */
  timestampRelative: "Framepipe-Timestamp-Relative",
  /** ISO 8601. */
  timestampAbsolute: "Framepipe-Timestamp-Absolute",
  imageFormat: "Framepipe-Image-Format",
  imageWidth: "Framepipe-Image-Width",
  imageHeight: "Framepipe-Image-Height",
  /** Why a group ended (`leave`, `idle`, `shutdown`, `source-complete`), on `group-end`. */
  reason: "Framepipe-Reason",
  /**
   * The rest of the frame, percent-encoded JSON: recording and bot metadata, the realtime
   * endpoint and video-separate references, and the participant's isHost, platform, email and
   * extraData. With it a worker rebuilds the very frame the ingest node had.
   */
  context: "Framepipe-Context",
  /** JetStream's deduplication id. */
  msgId: "Nats-Msg-Id",
} as const;

/** What a message carries. */
export type MessageKind = "frame" | "stream-end" | "group-end";

/** The subject-token of the group-end marker, in place of a stream type. */
export const GROUP_END_TOKEN = "group";

interface FrameContext {
  readonly recordingMetadata: Readonly<Record<string, string>>;
  readonly botMetadata: Readonly<Record<string, string>> | null;
  readonly realtimeEndpoint: VideoFrame["realtimeEndpoint"];
  readonly videoSeparate: VideoFrame["videoSeparate"];
  readonly isHost: boolean;
  readonly platform: string | null;
  readonly email: string | null;
  readonly extraData: Readonly<Record<string, unknown>>;
}

/** How subjects are laid out: the prefix, and how many partitions participants are spread over. */
export interface SubjectScheme {
  readonly prefix: string;
  /** Participants are spread over partitions 0 … partitions - 1 (at least 1). */
  readonly partitions: number;
}

/**
 * The partition of a participant: the first 32 bits of the SHA-256 of (recording id, participant
 * id), modulo `partitions`. Every frame and end marker of a participant lands in one partition, so
 * a worker that owns the partition sees the whole participant, in order.
 */
export function partitionOf(recordingId: string, participantId: number, partitions: number): number {
  if (partitions <= 1) return 0;
  const digest = createHash("sha256")
    .update(JSON.stringify([recordingId, participantId]), "utf8")
    .digest();
  return digest.readUInt32BE(0) % partitions;
}

/** `<prefix>.<partition>.<recording>.<participant>`: every subject of one participant starts with it. */
export function groupSubject(scheme: SubjectScheme, recordingId: string, participantId: number): string {
  const partition = partitionOf(recordingId, participantId, scheme.partitions);
  return `${scheme.prefix}.${partition}.${toSubjectToken(recordingId)}.${toSubjectToken(participantId)}`;
}

/** Subject of a stream's frames and of its end marker: `<prefix>.<partition>.<recording>.<participant>.<type>`. */
export function streamSubject(
  scheme: SubjectScheme,
  recordingId: string,
  participantId: number,
  type: FrameType,
): string {
  return `${groupSubject(scheme, recordingId, participantId)}.${type}`;
}

/** The subjects of one partition, as a consumer filter: `<prefix>.<partition>.>`. */
export function partitionFilter(prefix: string, partition: number): string {
  return `${prefix}.${partition}.>`;
}

/**
 * The `Nats-Msg-Id` of a frame: the subject tokens of its stream, its seq and its capture time
 * (ms). Stable for the same frame, so a republish after a reconnect is deduplicated by JetStream
 * within the stream's duplicate window. The capture time keeps a participant who leaves and
 * rejoins (their seq counting from 0 again) from colliding with their first frames.
 */
export function frameMessageId(frame: VideoFrame): string {
  const relativeMs = Math.round(frame.timestamp.relative * 1000);
  return `${toSubjectToken(frame.recording.id)}.${toSubjectToken(frame.participant.id)}.${frame.type}.${frame.seq}.${relativeMs}`;
}

const encode = encodeURIComponent;

/** The headers of a frame message. */
export function frameHeaders(frame: VideoFrame): MsgHdrs {
  const h = createHeaders();
  h.set(Header.version, WIRE_VERSION);
  h.set(Header.kind, "frame");
  h.set(Header.recordingId, encode(frame.recording.id));
  if (frame.bot !== null) h.set(Header.botId, encode(frame.bot.id));
  h.set(Header.participantId, String(frame.participant.id));
  if (frame.participant.name !== null) h.set(Header.participantName, encode(frame.participant.name));
  h.set(Header.type, frame.type);
  h.set(Header.seq, String(frame.seq));
  h.set(Header.timestampRelative, String(frame.timestamp.relative));
  h.set(Header.timestampAbsolute, frame.timestamp.absolute.toISOString());
  h.set(Header.imageFormat, encode(frame.image.format));
  h.set(Header.imageWidth, String(frame.image.width));
  h.set(Header.imageHeight, String(frame.image.height));
  const context: FrameContext = {
    recordingMetadata: frame.recording.metadata,
    botMetadata: frame.bot?.metadata ?? null,
    realtimeEndpoint: frame.realtimeEndpoint,
    videoSeparate: frame.videoSeparate,
    isHost: frame.participant.isHost,
    platform: frame.participant.platform,
    email: frame.participant.email,
    extraData: frame.participant.extraData,
  };
  h.set(Header.context, encode(JSON.stringify(context)));
  return h;
}

/** The headers of a stream's end marker (published on the stream's subject, after its frames). */
export function streamEndHeaders(stream: StreamInfo): MsgHdrs {
  const h = createHeaders();
  h.set(Header.version, WIRE_VERSION);
  h.set(Header.kind, "stream-end");
  h.set(Header.recordingId, encode(stream.recordingId));
  h.set(Header.participantId, String(stream.participantId));
  h.set(Header.type, stream.type);
  return h;
}

/** The headers of a participant group's end marker. */
export function groupEndHeaders(group: GroupInfo): MsgHdrs {
  const h = createHeaders();
  h.set(Header.version, WIRE_VERSION);
  h.set(Header.kind, "group-end");
  h.set(Header.recordingId, encode(group.recordingId));
  h.set(Header.participantId, String(group.participantId));
  h.set(Header.reason, group.reason);
  return h;
}

/** A decoded message: a frame, or the end of a stream or of a participant group. */
export type DecodedMessage =
  | { readonly kind: "frame"; readonly frame: IncomingFrame & { readonly seq: number } }
  | {
      readonly kind: "stream-end";
      readonly recordingId: string;
      readonly participantId: number;
      readonly type: FrameType;
    }
  | {
      readonly kind: "group-end";
      readonly recordingId: string;
      readonly participantId: number;
      readonly reason: string;
    };

/** Thrown for a message that is not framepipe's wire format (version 1). */
export class FrameMessageError extends Error {
  override readonly name = "FrameMessageError";
}

function required(h: MsgHdrs, name: string): string {
  const value = h.get(name);
  if (value === "") throw new FrameMessageError(`missing header ${name}`);
  return value;
}

function integer(h: MsgHdrs, name: string): number {
  const text = required(h, name);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new FrameMessageError(`header ${name}: expected an integer, got "${text}"`);
  return value;
}

function frameType(text: string): FrameType {
  if (text !== "webcam" && text !== "screenshare") {
    throw new FrameMessageError(`header ${Header.type}: expected webcam or screenshare, got "${text}"`);
  }
  return text;
}

/**
 * Rebuilds what a message carries. `receivedAt` is the consumer's monotonic receive time (the
 * ingest node's clock means nothing here). Throws {@link FrameMessageError} for a foreign message.
 */
export function decodeMessage(h: MsgHdrs | undefined, data: Uint8Array, receivedAt: number): DecodedMessage {
  if (h === undefined) throw new FrameMessageError("a message without headers is not a framepipe message");
  const version = h.get(Header.version);
  if (version !== WIRE_VERSION) throw new FrameMessageError(`unsupported ${Header.version} "${version}"`);
  const kind = required(h, Header.kind);
  const recordingId = decodeURIComponent(required(h, Header.recordingId));
  const participantId = integer(h, Header.participantId);
  if (kind === "stream-end") {
    return { kind, recordingId, participantId, type: frameType(required(h, Header.type)) };
  }
  if (kind === "group-end") return { kind, recordingId, participantId, reason: required(h, Header.reason) };
  if (kind !== "frame") throw new FrameMessageError(`unknown ${Header.kind} "${kind}"`);
  const context = JSON.parse(decodeURIComponent(required(h, Header.context))) as FrameContext;
  const botId = h.get(Header.botId);
  const name = h.has(Header.participantName) ? decodeURIComponent(h.get(Header.participantName)) : null;
  const relative = Number(required(h, Header.timestampRelative));
  const absolute = new Date(required(h, Header.timestampAbsolute));
  if (!Number.isFinite(relative) || Number.isNaN(absolute.getTime())) {
    throw new FrameMessageError("invalid frame timestamp headers");
  }
  const seq = integer(h, Header.seq);
  if (seq < 0) throw new FrameMessageError(`header ${Header.seq}: expected a stream position, got ${seq}`);
  const frame: IncomingFrame & { readonly seq: number } = {
    recording: { id: recordingId, metadata: context.recordingMetadata },
    bot: botId === "" ? null : { id: decodeURIComponent(botId), metadata: context.botMetadata ?? {} },
    realtimeEndpoint: context.realtimeEndpoint,
    videoSeparate: context.videoSeparate,
    participant: {
      id: participantId,
      name,
      isHost: context.isHost,
      platform: context.platform,
      email: context.email,
      extraData: context.extraData,
    },
    type: frameType(required(h, Header.type)),
    timestamp: { relative, absolute },
    image: {
      // A view on the message's bytes: no copy.
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      format: decodeURIComponent(required(h, Header.imageFormat)),
      width: integer(h, Header.imageWidth),
      height: integer(h, Header.imageHeight),
    },
    receivedAt,
    // The ingest node's number: the worker keeps it, so a redelivered frame has the same one.
    seq,
  };
  return { kind: "frame", frame };
}
