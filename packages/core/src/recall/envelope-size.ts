import { isRecord } from "./build-recall-event.js";
import { failure } from "./parse-problem.js";
import type { ParseResult } from "./recall-event.js";
import { type SplitMessage, sentinelJson } from "./split-buffer-field.js";

/*
 * A Recall message is an image (`data.data.buffer`, up to megabytes of base64) in an envelope of
 * ids, names and metadata that Recall keeps to a few kilobytes. An envelope of hundreds of
 * kilobytes is an attack or a bug, never a frame: it is refused as `schema` before zod (and, when
 * the message has no `buffer` at all, before JSON.parse) spends time and memory on it.
 */

/**
 * Default {@link ParseOptions.maxEnvelopeBytes}: 256 KiB. Far above anything Recall sends
 * outside an image (a participant event is under 1 KiB; a long transcript utterance some tens of
 * kilobytes), far below what it takes to make framepipe hold noticeable memory per message.
 */
export const defaultMaxEnvelopeBytes = 256 * 1024;

const bufferKey = '"buffer"';

/** The refusal of a message whose envelope is over `maxEnvelopeBytes`. */
export function envelopeTooLarge(maxEnvelopeBytes: number, bytes: number, value?: unknown): ParseResult {
  const event = isRecord(value) && typeof value.event === "string" ? value.event : undefined;
  const message = `message: the envelope (everything but data.data.buffer) is over the maximum of ${maxEnvelopeBytes} bytes`;
  return failure("schema", message, bytes, { event });
}

/**
 * Whether the message has a `"buffer"` key anywhere. One byte search: without it, the whole
 * message is envelope, and its size alone can refuse it unparsed.
 */
export function mentionsBufferKey(input: string | Buffer): boolean {
  return input.indexOf(bufferKey) !== -1;
}

/** UTF-8 bytes of a split message outside its `buffer` value (the fast path; no whole-message string built). */
export function bytesOutsideSpan(input: string | Buffer, split: SplitMessage): number {
  if (typeof input !== "string") return input.length - (split.end - split.start);
  // A string's span is counted in UTF-16 units, so measure the small remainder instead.
  return Buffer.byteLength(split.rest, "utf8") - sentinelJson.length;
}

/** Characters of `data.data.buffer` in a parsed message, 0 when it has none (the plain path). */
export function bufferTextLength(value: unknown): number {
  if (!isRecord(value) || !isRecord(value.data) || !isRecord(value.data.data)) return 0;
  const buffer = value.data.data.buffer;
  // Base64 is ASCII: one character is one byte of the message.
  return typeof buffer === "string" ? buffer.length : 0;
}
