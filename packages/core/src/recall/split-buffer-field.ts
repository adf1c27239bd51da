import { isUtf8 } from "node:buffer";

/*
 * The hot-path trick: a video message is ~99% one base64 string. Instead of building a JavaScript
 * string of the whole message and letting JSON.parse copy the base64 out of it, find the first
 * `"buffer": "…"` value by byte search, keep its offsets, and JSON.parse only the rest of the
 * message with that value replaced by a sentinel. The caller then checks that the sentinel landed
 * at `data.data.buffer`; if it did not (a `buffer` key in `extra_data` came first, or the message
 * is odd in some other way) it parses the whole message the plain way.
 */

/**
 * Put in place of the base64 text. Written as a JSON escape so it parses to a string starting with
 * NUL, which no real buffer (base64) can equal: finding it at `data.data.buffer` proves that the
 * blanked value was that field and not some other `buffer` key.
 */
export const sentinelJson = "\\u0000framepipe:buffer";
/** The parsed value of the sentinel. */
export const bufferSentinel = "\u0000framepipe:buffer";

const keyText = '"buffer"';
const keyBytes = Buffer.from(keyText, "latin1");
const quote = 0x22;
const colon = 0x3a;
const backslash = 0x5c;

/** The message without its base64 value, and where that value sits in the raw input. */
export interface SplitMessage {
  /** The JSON text with the first `buffer` value replaced by the sentinel. */
  readonly rest: string;
  /** Offset of the first base64 character (bytes for a Buffer, UTF-16 units for a string). */
  readonly start: number;
  /** Offset just past the last base64 character. */
  readonly end: number;
}

/**
 * Splits the first `"buffer"` string value out of a message. Returns null when there is none, or
 * when the remaining text is not valid UTF-8 (the full path then reports `invalid-utf8`).
 */
export function splitBufferField(raw: string | Buffer): SplitMessage | null {
  return typeof raw === "string" ? splitString(raw) : splitBytes(raw);
}

function splitBytes(raw: Buffer): SplitMessage | null {
  let at = raw.indexOf(keyBytes);
  while (at !== -1) {
    const start = valueStart(raw, at + keyBytes.length, (index) => raw[index] ?? -1);
    if (start !== -1) {
      const end = raw.indexOf(quote, start);
      if (end === -1) return null;
      const head = raw.subarray(0, start);
      const tail = raw.subarray(end);
      if (!isUtf8(head) || !isUtf8(tail)) return null;
      return { rest: head.toString("utf8") + sentinelJson + tail.toString("utf8"), start, end };
    }
    at = raw.indexOf(keyBytes, at + keyBytes.length);
  }
  return null;
}

function splitString(raw: string): SplitMessage | null {
  let at = raw.indexOf(keyText);
  while (at !== -1) {
    const start = valueStart(raw, at + keyText.length, (index) => raw.charCodeAt(index));
    if (start !== -1) {
      const end = raw.indexOf('"', start);
      if (end === -1) return null;
      return { rest: raw.slice(0, start) + sentinelJson + raw.slice(end), start, end };
    }
    at = raw.indexOf(keyText, at + keyText.length);
  }
  return null;
}

/**
 * After a `"buffer"` key: skips JSON whitespace, a colon, whitespace and the opening quote, and
 * returns the offset of the value's first character, or -1 when this `"buffer"` is not a key
 * followed by a string.
 */
function valueStart(raw: { readonly length: number }, from: number, codeAt: (index: number) => number): number {
  let index = skipWhitespace(from, raw.length, codeAt);
  if (codeAt(index) !== colon) return -1;
  index = skipWhitespace(index + 1, raw.length, codeAt);
  return codeAt(index) === quote ? index + 1 : -1;
}

function skipWhitespace(from: number, length: number, codeAt: (index: number) => number): number {
  let index = from;
  while (index < length) {
    const code = codeAt(index);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) break;
    index++;
  }
  return index;
}

/** True when the base64 span holds a JSON escape (e.g. `\/`), which only the full parse can undo. */
export function spanHasEscape(raw: string | Buffer, start: number, end: number): boolean {
  if (typeof raw === "string") {
    const found = raw.indexOf("\\", start);
    return found !== -1 && found < end;
  }
  const found = raw.indexOf(backslash, start);
  return found !== -1 && found < end;
}

/** The base64 span as a string: latin1 copies bytes one to one, with no UTF-8 decoding. */
export function spanText(raw: string | Buffer, start: number, end: number): string {
  return typeof raw === "string" ? raw.slice(start, end) : raw.toString("latin1", start, end);
}
