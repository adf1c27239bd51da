import type { VideoFrame } from "@framepipe/core/plugin";

/** Metadata keys the sink writes on every object (stored as `x-amz-meta-<key>`). */
export const builtinMetadataKeys: readonly string[] = [
  "recording-id",
  "participant-id",
  "participant-name",
  "type",
  "seq",
  "timestamp-relative",
  "timestamp-absolute",
  "width",
  "height",
  "format",
];

/**
 * Participant names come from the meeting platform and may be long; S3 allows 2 KB of user
 * metadata per object in total, so a name is cut to this many characters before encoding.
 */
export const MAX_NAME_CHARACTERS = 256;

const encodedWordPattern = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=$/i;

/**
 * Makes a metadata value safe for an HTTP header. S3 metadata travels as `x-amz-meta-*` headers,
 * which carry ASCII only, and servers trim surrounding spaces. A value that is printable ASCII
 * without surrounding spaces is kept as it is; any other value (non-ASCII such as `Zoë`, control
 * characters, surrounding spaces, or text that already looks encoded) becomes an RFC 2047
 * encoded word, `=?UTF-8?B?<base64 of the UTF-8 bytes>?=`: AWS S3 decodes such words when it
 * stores metadata and encodes non-ASCII values the same way when it returns them, and most S3
 * tools decode them. {@link decodeMetadataValue} reverses it.
 */
export function encodeMetadataValue(value: string): string {
  const plain = /^[\x20-\x7e]*$/.test(value) && value.trim() === value && !value.startsWith("=?");
  if (plain) return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/** Reverses {@link encodeMetadataValue}: decodes an RFC 2047 base64 encoded word, returns other values as they are. */
export function decodeMetadataValue(value: string): string {
  const match = encodedWordPattern.exec(value);
  return match ? Buffer.from(match[1] ?? "", "base64").toString("utf8") : value;
}

function finiteTime(date: Date): string {
  const time = date.getTime();
  return Number.isFinite(time) ? date.toISOString() : "";
}

/**
 * The user metadata stored with a frame's object: recording id, participant id and name (at the
 * time of the frame; left out while unknown), stream type, seq, relative timestamp (seconds, as
 * Recall sends it), absolute timestamp (ISO 8601, UTC), image size and format, then the
 * configured extras. Every value goes through {@link encodeMetadataValue}.
 */
export function frameMetadata(frame: VideoFrame, extras: Readonly<Record<string, string>>): Record<string, string> {
  const name = Array.from(frame.participant.name ?? "")
    .slice(0, MAX_NAME_CHARACTERS)
    .join("");
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(extras)) metadata[key] = encodeMetadataValue(value);
  const builtin: Record<string, string> = {
    "recording-id": frame.recording.id,
    "participant-id": String(frame.participant.id),
    "participant-name": name,
    type: frame.type,
    seq: String(frame.seq),
    "timestamp-relative": String(frame.timestamp.relative),
    "timestamp-absolute": finiteTime(frame.timestamp.absolute),
    width: String(frame.image.width),
    height: String(frame.image.height),
    format: String(frame.image.format),
  };
  for (const [key, value] of Object.entries(builtin)) {
    if (value !== "") metadata[key] = encodeMetadataValue(value);
  }
  return metadata;
}
