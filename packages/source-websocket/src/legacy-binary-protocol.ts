import {
  defaultMaxPixels,
  type IncomingFrame,
  type ParseProblemKind,
  type ParseResult,
  type ResourceRef,
  validatePng,
} from "@framepipe/core";

/** Bytes before the PNG in a legacy binary frame: u32 LE participant id, u32 LE relative time in ms. */
export const legacyHeaderBytes = 8;

/** Id given to the resources the legacy protocol does not name (`realtime_endpoint`, `video_separate`). */
export const legacyUnknownResourceId = "unknown";

/** The first (text) message of a legacy `real_time_media` connection. */
export interface LegacyHandshake {
  readonly protocolVersion: 1;
  readonly botId: string;
}

/** What a legacy connection knows about its stream, for {@link decodeLegacyFrame}. */
export interface LegacyStream {
  /** From the handshake; also used as the recording id, since the protocol carries no other. */
  readonly botId: string;
  /**
   * Wall-clock milliseconds of relative time 0. The protocol sends no absolute time; the source
   * estimates it from the first frame of the connection (receive time − relative time).
   */
  readonly recordingStartMs: number;
}

const maximumHandshakeBytes = 4096;
const maximumBotIdLength = 200;

/**
 * Reads the legacy handshake `{"protocol_version":1,"bot_id":"…"}`; null for anything else
 * (including every normal Recall envelope, which is why this is cheap to ask first).
 */
export function parseLegacyHandshake(message: Uint8Array): LegacyHandshake | null {
  if (message.length > maximumHandshakeBytes) return null;
  const text = Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString("utf8");
  if (!text.includes("protocol_version")) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  const botId = record.bot_id;
  if (record.protocol_version !== 1 || typeof botId !== "string") return null;
  if (botId === "" || botId.length > maximumBotIdLength) return null;
  return { protocolVersion: 1, botId };
}

function problem(kind: ParseProblemKind, message: string, bytes: number): ParseResult {
  return { ok: false, problem: Object.freeze({ kind, message, bytes }) };
}

function resource(id: string): ResourceRef {
  return Object.freeze({ id, metadata: Object.freeze({}) });
}

/**
 * Decodes one binary message of Recall's legacy `real_time_media` protocol: u32 LE participant
 * id, u32 LE relative timestamp in milliseconds, then the PNG bytes. The result is a
 * `video_separate_png.data` event like the JSON protocol's, with:
 * - recording and bot id = the handshake's `bot_id` (the protocol names no recording);
 * - `type: "webcam"` (the protocol does not say; it has one connection per stream);
 * - a participant with only its id (name null, not host, platform null);
 * - `realtimeEndpoint` and `videoSeparate` ids `unknown`;
 * - `timestamp.absolute` = `stream.recordingStartMs` + relative.
 * The PNG is checked as the JSON protocol's is (`validatePng`: structure, CRCs, at most
 * `maxPixels` pixels). The image is a view into `message` (no copy). Never throws.
 */
export function decodeLegacyFrame(
  message: Buffer,
  stream: LegacyStream,
  receivedAt = performance.now(),
  maxPixels = defaultMaxPixels,
): ParseResult {
  if (message.length < legacyHeaderBytes) {
    return problem(
      "unsupported-binary",
      `legacy frame of ${message.length} bytes is shorter than its 8-byte header`,
      message.length,
    );
  }
  const participantId = message.readUInt32LE(0);
  const relativeMs = message.readUInt32LE(4);
  const image = message.subarray(legacyHeaderBytes);
  const header = validatePng(image, { maxPixels });
  if (!header.ok) return problem(header.kind, `legacy frame: ${header.message}`, message.length);
  const bot = resource(stream.botId);
  const frame: IncomingFrame = Object.freeze({
    recording: bot,
    bot,
    realtimeEndpoint: resource(legacyUnknownResourceId),
    videoSeparate: resource(legacyUnknownResourceId),
    participant: Object.freeze({
      id: participantId,
      name: null,
      isHost: false,
      platform: null,
      email: null,
      extraData: Object.freeze({}),
    }),
    type: "webcam",
    timestamp: Object.freeze({
      relative: relativeMs / 1000,
      absolute: new Date(stream.recordingStartMs + relativeMs),
    }),
    image: Object.freeze({ data: image, format: "png", width: header.width, height: header.height }),
    receivedAt,
  });
  return { ok: true, event: Object.freeze({ kind: "video-frame", event: "video_separate_png.data", frame }) };
}
