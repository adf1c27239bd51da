import { isUtf8 } from "node:buffer";
import { TruncationNotes } from "./bounded-values.js";
import {
  type BuildOutcome,
  buildAudio,
  buildParticipantEvent,
  buildTranscript,
  buildUnknown,
  buildVideoFrame,
  buildVideoH264,
  isRecord,
  type MessageContext,
  retryWithFullParse,
} from "./build-recall-event.js";
import { decodeBase64, decodeBase64Span } from "./decode-base64.js";
import {
  bufferTextLength,
  bytesOutsideSpan,
  defaultMaxEnvelopeBytes,
  envelopeTooLarge,
  mentionsBufferKey,
} from "./envelope-size.js";
import { failure } from "./parse-problem.js";
import type { ParseOptions, ParseResult, ParticipantAction } from "./recall-event.js";
import { bufferSentinel, type SplitMessage, spanHasEscape, spanText, splitBufferField } from "./split-buffer-field.js";
import { defaultMaxPixels } from "./validate-png.js";

/** Default {@link ParseOptions.maxBytes}: 16 MiB, above the largest screenshare frame Recall sends. */
export const defaultMaxMessageBytes = 16 * 1024 * 1024;

/** Every `participant_events.*` action Recall sends. */
export const participantActions: ReadonlySet<string> = new Set<ParticipantAction>([
  "join",
  "leave",
  "update",
  "speech_on",
  "speech_off",
  "webcam_on",
  "webcam_off",
  "screenshare_on",
  "screenshare_off",
  "chat_message",
]);
const participantPrefix = "participant_events.";

/**
 * Parses one Recall realtime websocket message into a typed `RecallEvent`, or describes why
 * it cannot. Never throws, whatever the input.
 *
 * - `raw`: the message as text, or its bytes (a `Buffer` or any `Uint8Array`, e.g. straight from
 *   `ws` with `skipUTF8Validation`); bytes are checked to be UTF-8 (`invalid-utf8` otherwise).
 *   Input buffers are never modified.
 * - Size is checked first: over `options.maxBytes` (default 16 MiB) is `too-large`, unread. An
 *   envelope (everything but `data.data.buffer`) over `options.maxEnvelopeBytes` (default 256 KiB)
 *   is `schema`, refused before validation, and unparsed when the message has no `buffer` key.
 * - `video_separate_png.data` becomes a frozen frame (width and height from the PNG header). The
 *   PNG is checked without decoding: a cut-off one is `truncated-png`, a CRC mismatch or broken
 *   chunk order `corrupt-png`, more than `options.maxPixels` (default 4096×2304) `too-many-pixels`.
 *   A missing or unparsable `timestamp.absolute` becomes the parse time, since a frame must carry a
 *   Date. Other known events become their typed events (their absolute timestamps become null
 *   instead). Unknown event names, including the misspelling `participant_event.join`, become
 *   `{ kind: "unknown" }` events, not problems.
 * - A missing `realtime_endpoint` or `video_separate` becomes `{ id: "unknown", metadata: {} }`;
 *   metadata numbers and booleans are stringified and nulls dropped.
 * - Values kept beyond the message are bounded (`recallValueLimits`): names, emails, platforms and
 *   ids over 256 UTF-8 bytes are cut and end in `~` plus a hash of the whole value, metadata keeps
 *   64 keys of bounded size, an `extra_data` over 4 KiB of JSON becomes `{}`. The result then
 *   lists the fields concerned in `truncated`.
 * - Every event carries `receivedAt`: `options.receivedAt`, or `performance.now()` when called.
 *
 * Performance: for messages with a `buffer` field (video and audio), the base64 text is decoded
 * straight from the input and only the small remainder is JSON-parsed, so no string of the whole
 * message is built when the input is a Buffer.
 *
 * @example
 * const result = parseRecallMessage(data);
 * if (!result.ok) metrics.count(result.problem.kind);
 * else if (result.event.kind === "video-frame") handle(result.event.frame);
 */
export function parseRecallMessage(raw: string | Uint8Array, options?: ParseOptions): ParseResult {
  try {
    return parseWith(raw, options, true);
  } catch {
    // Unreachable by design; the promise never to throw is worth more than a crash here.
    return failure("schema", "message could not be parsed (unexpected parser failure)", 0);
  }
}

/**
 * The same as {@link parseRecallMessage} but always JSON-parses the whole message: the reference
 * the fast path is tested against. Internal; not exported from the package.
 */
export function parseRecallMessageWithoutFastPath(raw: string | Uint8Array, options?: ParseOptions): ParseResult {
  try {
    return parseWith(raw, options, false);
  } catch {
    return failure("schema", "message could not be parsed (unexpected parser failure)", 0);
  }
}

function parseWith(raw: string | Uint8Array, options: ParseOptions | undefined, fastPath: boolean): ParseResult {
  const settings: ParseSettings = {
    receivedAt: options?.receivedAt ?? performance.now(),
    maxPixels: options?.maxPixels ?? defaultMaxPixels,
    maxEnvelopeBytes: options?.maxEnvelopeBytes ?? defaultMaxEnvelopeBytes,
  };
  const input = toInput(raw);
  if (input === null) return failure("invalid-json", "message is neither text nor bytes", 0);
  const bytes = byteCounter(input);
  const maxBytes = options?.maxBytes ?? defaultMaxMessageBytes;
  if (exceeds(input, maxBytes, bytes)) {
    return failure("too-large", `message of ${bytes()} bytes exceeds the maximum of ${maxBytes} bytes`, bytes());
  }
  // Without a `buffer` key the whole message is envelope: an absurd one is refused unparsed.
  if (exceeds(input, settings.maxEnvelopeBytes, bytes) && !mentionsBufferKey(input)) {
    return envelopeTooLarge(settings.maxEnvelopeBytes, bytes());
  }
  if (fastPath) {
    const split = splitBufferField(input);
    if (split !== null) {
      const outcome = parseSplit(input, split, settings, bytes);
      if (outcome !== retryWithFullParse) return outcome;
    }
  }
  return parseWhole(input, settings, bytes);
}

/** What every event builder is given besides the message. */
interface ParseSettings {
  readonly receivedAt: number;
  readonly maxPixels: number;
  readonly maxEnvelopeBytes: number;
}

/** Fast path: the remainder was split off; the base64 is decoded from its span in the input. */
function parseSplit(
  input: string | Buffer,
  split: SplitMessage,
  settings: ParseSettings,
  bytes: () => number,
): BuildOutcome {
  let value: unknown;
  try {
    value = JSON.parse(split.rest);
  } catch {
    // The full parse reports the real error (or succeeds, if the split cut through an escape).
    return retryWithFullParse;
  }
  if (!isRecord(value) || !isRecord(value.data)) return retryWithFullParse;
  const data = value.data.data;
  // Proof that the blanked value was `data.data.buffer`, not a `buffer` key met earlier.
  if (!isRecord(data) || data.buffer !== bufferSentinel) return retryWithFullParse;
  if (bytesOutsideSpan(input, split) > settings.maxEnvelopeBytes) {
    return envelopeTooLarge(settings.maxEnvelopeBytes, bytes(), value);
  }
  const notes = new TruncationNotes();
  const context: MessageContext = {
    ...settings,
    bytes,
    notes,
    readBuffer: (text) => {
      if (text !== bufferSentinel) return decodeBase64(text);
      // A failed decode may come from a JSON escape such as `\/`: only the full parse can tell.
      const decoded =
        typeof input === "string"
          ? decodeBase64(spanText(input, split.start, split.end))
          : decodeBase64Span(input, split.start, split.end);
      return decoded ?? retryWithFullParse;
    },
  };
  if (!consumesBuffer(value)) {
    // Events that expose their raw JSON must show the real base64 text, not the sentinel.
    const restored = restoreSpan(input, split);
    if (restored === null) return retryWithFullParse;
    data.buffer = restored;
  }
  return withTruncations(route(value, context), notes);
}

/** Plain path: the whole message is decoded as UTF-8 and JSON-parsed. */
function parseWhole(input: string | Buffer, settings: ParseSettings, bytes: () => number): ParseResult {
  let text: string;
  if (typeof input === "string") {
    text = input;
  } else {
    if (!isUtf8(input)) return failure("invalid-utf8", "message bytes are not valid UTF-8", bytes());
    text = input.toString("utf8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input, so it is not repeated here.
    return failure("invalid-json", "message is not valid JSON", bytes());
  }
  // `exceeds` first: a message within the limit as a whole is settled without measuring a string.
  const { maxEnvelopeBytes } = settings;
  if (exceeds(input, maxEnvelopeBytes, bytes) && bytes() - bufferTextLength(value) > maxEnvelopeBytes) {
    return envelopeTooLarge(settings.maxEnvelopeBytes, bytes(), value);
  }
  const notes = new TruncationNotes();
  const outcome = withTruncations(route(value, { ...settings, bytes, notes, readBuffer: decodeBase64 }), notes);
  // Only the fast path's span reader asks for a retry; a whole parse always settles.
  return outcome === retryWithFullParse ? failure("invalid-base64", "buffer is not valid base64", bytes()) : outcome;
}

function route(value: unknown, context: MessageContext): BuildOutcome {
  if (!isRecord(value)) {
    return failure("schema", `message: expected a JSON object, got ${describeType(value)}`, context.bytes(), {
      path: "",
    });
  }
  const event = value.event;
  if (typeof event !== "string") {
    const message = `event: expected a string, got ${describeType(event)}`;
    return failure("schema", message, context.bytes(), { path: "event" });
  }
  switch (event) {
    case "video_separate_png.data":
      return buildVideoFrame(value, event, context);
    case "video_separate_h264.data":
      return buildVideoH264(value, event, context);
    case "transcript.data":
    case "transcript.partial_data":
    case "transcript.provider_data":
      return buildTranscript(value, event, context);
    case "audio_mixed_raw.data":
    case "audio_separate_raw.data":
      return buildAudio(value, event, context);
  }
  if (event.startsWith(participantPrefix)) {
    const action = event.slice(participantPrefix.length);
    if (participantActions.has(action)) return buildParticipantEvent(value, action as ParticipantAction, context);
  }
  return buildUnknown(value, event, context);
}

/** A successful outcome lists the fields that had to be shortened or dropped, when there were any. */
function withTruncations(outcome: BuildOutcome, notes: TruncationNotes): BuildOutcome {
  const truncated = notes.fields;
  if (truncated === null || outcome === retryWithFullParse || !outcome.ok) return outcome;
  return Object.freeze({ ...outcome, truncated: Object.freeze([...truncated]) });
}

/** Events whose builders decode `data.data.buffer`; every other event keeps it as text. */
function consumesBuffer(value: Record<string, unknown>): boolean {
  switch (value.event) {
    case "video_separate_png.data":
    case "video_separate_h264.data":
    case "audio_mixed_raw.data":
    case "audio_separate_raw.data":
      return true;
    default:
      return false;
  }
}

/** The span's text exactly as JSON.parse would give it, or null when only a full parse can say. */
function restoreSpan(input: string | Buffer, split: SplitMessage): string | null {
  if (spanHasEscape(input, split.start, split.end)) return null;
  if (typeof input === "string") return input.slice(split.start, split.end);
  const span = input.subarray(split.start, split.end);
  return isUtf8(span) ? span.toString("utf8") : null;
}

function toInput(raw: unknown): string | Buffer | null {
  if (typeof raw === "string") return raw;
  if (Buffer.isBuffer(raw)) return raw;
  // A view over the same memory: nothing is copied, and nothing is written.
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw instanceof ArrayBuffer) return Buffer.from(raw);
  return null;
}

/** The message size in bytes; for strings computed once, and only when someone asks. */
function byteCounter(input: string | Buffer): () => number {
  if (typeof input !== "string") return () => input.length;
  let cached = -1;
  return () => {
    if (cached === -1) cached = Buffer.byteLength(input, "utf8");
    return cached;
  };
}

function exceeds(input: string | Buffer, maxBytes: number, bytes: () => number): boolean {
  if (typeof input !== "string") return input.length > maxBytes;
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: most strings are settled without measuring them.
  if (input.length > maxBytes) return true;
  if (input.length * 3 <= maxBytes) return false;
  return bytes() > maxBytes;
}

function describeType(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
