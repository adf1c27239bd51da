import type { ResourceRef, VideoFrame } from "../model/video-frame.js";

/** Reads one raw value of a frame; `null`/`undefined`/`""` mean "missing" and render the fallback. */
export type FieldReader = (frame: VideoFrame) => string | number | null | undefined;

/** A placeholder a path template may use. */
export interface PathTemplateField {
  /** As written between braces: `participant.name`, or a prefix ending in `.` for metadata. */
  readonly name: string;
  readonly description: string;
}

/** Formats of which the file extension differs from the format name. */
const extensionByFormat: Readonly<Record<string, string>> = { jpeg: "jpg" };

function isoParts(date: Date): string | null {
  const time = date.getTime();
  return Number.isFinite(time) ? date.toISOString() : null;
}

const readers: Readonly<Record<string, FieldReader>> = {
  "recording.id": (frame) => frame.recording.id,
  "bot.id": (frame) => frame.bot?.id,
  "participant.id": (frame) => frame.participant.id,
  "participant.name": (frame) => frame.participant.name,
  type: (frame) => frame.type,
  seq: (frame) => (Number.isSafeInteger(frame.seq) && frame.seq >= 0 ? String(frame.seq).padStart(6, "0") : null),
  "timestamp.relative": (frame) => {
    const milliseconds = Math.round(frame.timestamp.relative * 1000);
    return Number.isFinite(milliseconds) ? String(milliseconds) : null;
  },
  // 2026-11-24T10:15:00.123Z → 20261124T101500.123Z: no colons (Windows, URLs), still sortable.
  "timestamp.absolute": (frame) => isoParts(frame.timestamp.absolute)?.replace(/[-:+]/g, ""),
  date: (frame) => isoParts(frame.timestamp.absolute)?.slice(0, 10),
  ext: (frame) => {
    const format = String(frame.image.format ?? "").toLowerCase();
    return extensionByFormat[format] ?? format;
  },
};

const metadataPrefixes: Readonly<Record<string, (frame: VideoFrame) => ResourceRef | null>> = {
  "recording.metadata.": (frame) => frame.recording,
  "bot.metadata.": (frame) => frame.bot,
};

/** Every placeholder of path and key templates, with what it renders. */
export const pathTemplateFields: readonly PathTemplateField[] = Object.freeze([
  { name: "recording.id", description: "Recall recording id" },
  { name: "bot.id", description: "Recall bot id (fallback when the recording has no bot)" },
  { name: "participant.id", description: "participant id (unique within a recording)" },
  { name: "participant.name", description: "participant name at the time of the frame (often empty at first)" },
  { name: "type", description: "webcam or screenshare" },
  { name: "seq", description: "frame number in its stream, zero-padded to 6 digits (000042)" },
  { name: "timestamp.relative", description: "milliseconds since the recording started" },
  { name: "timestamp.absolute", description: "capture time, UTC, e.g. 20261124T101500.123Z" },
  { name: "date", description: "capture date, UTC, YYYY-MM-DD" },
  { name: "ext", description: "file extension of the frame's current format (png, jpg, webp, avif)" },
  { name: "recording.metadata.<key>", description: "a value of the recording's Recall metadata" },
  { name: "bot.metadata.<key>", description: "a value of the bot's Recall metadata" },
]);

/** Names of the fixed (non-metadata) fields. */
export const fixedFieldNames: readonly string[] = Object.freeze(Object.keys(readers));

/** The reader of a placeholder name, or `undefined` for an unknown name. */
export function fieldReaderOf(name: string): FieldReader | undefined {
  if (Object.hasOwn(readers, name)) return readers[name];
  for (const [prefix, resourceOf] of Object.entries(metadataPrefixes)) {
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (key === "") return undefined;
    // Object.hasOwn: `recording.metadata.constructor` must not read Object.prototype.
    return (frame) => {
      const metadata = resourceOf(frame)?.metadata;
      return metadata && Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    };
  }
  return undefined;
}

/** Names offered in "did you mean" hints: the fixed fields and the metadata prefixes. */
export function knownFieldNames(): string[] {
  return [...fixedFieldNames, ...Object.keys(metadataPrefixes).map((prefix) => `${prefix}<key>`)];
}
