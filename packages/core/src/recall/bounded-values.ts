import { shortenWithHash } from "../templates/safe-segment.js";

/*
 * Everything framepipe keeps of a message beyond the message itself (a participant's name in the
 * participant directory, ids in group keys, metadata on every frame queued) comes from outside.
 * Recall sends short values (names, UUIDs, metadata of at most 500 characters), so these limits
 * never touch real traffic; they stop a token holder from making framepipe keep megabytes per
 * participant (issue 12: 600 joins with 10 MB names exhausted the heap).
 */

/** The limits applied to each value of a Recall message, in UTF-8 bytes (see {@link TruncatedField}). */
export const recallValueLimits = Object.freeze({
  /** Participant name, email and platform; recording, bot, endpoint and `video_separate` ids. */
  textBytes: 256,
  /** Metadata keys kept per resource; the ones after it (in the message's order) are dropped. */
  metadataKeys: 64,
  /** One metadata key. */
  metadataKeyBytes: 256,
  /** One metadata value: Recall allows 500 characters, which is at most 2,000 bytes. */
  metadataValueBytes: 2048,
  /** A participant's `extra_data`, serialised as JSON; a larger one is dropped (becomes `{}`). */
  extraDataBytes: 4096,
});

/** A resource whose id and metadata are bounded. */
export type BoundedResource = "recording" | "bot" | "realtime_endpoint" | "video_separate";

/**
 * A value that was shortened (a text over its limit, cut between characters and ended with `~`
 * and 8 hex digits of the SHA-256 of the whole value, so distinct values stay distinct) or
 * dropped (metadata keys past the limit, an over-large `extra_data`). Wire names, a fixed set:
 * sources use it as a metric label.
 */
export type TruncatedField =
  | "participant.name"
  | "participant.email"
  | "participant.platform"
  | "participant.extra_data"
  | `${BoundedResource}.id`
  | `${BoundedResource}.metadata`;

/** Collects which fields of one message were truncated; each field is listed once, in the order met. */
export class TruncationNotes {
  #fields: TruncatedField[] | null = null;

  /** The fields noted so far, or null when nothing was truncated (the usual case, at no cost). */
  get fields(): readonly TruncatedField[] | null {
    return this.#fields;
  }

  /** Notes that `field` had to be shortened or dropped. */
  truncated(field: TruncatedField): void {
    if (this.#fields === null) this.#fields = [field];
    else if (!this.#fields.includes(field)) this.#fields.push(field);
  }
}

/**
 * `value` unchanged when it fits in `maxBytes` UTF-8 bytes; otherwise its longest prefix that
 * fits with `~` and the short hash of the whole value appended (at most `maxBytes` in all), so
 * two distinct long values never become equal.
 */
export function boundText(value: string, maxBytes: number): string {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: real names and ids are settled without measuring them.
  if (value.length * 3 <= maxBytes) return value;
  if (value.length <= maxBytes && Buffer.byteLength(value, "utf8") <= maxBytes) return value;
  return shortenWithHash(value, maxBytes);
}

/** {@link boundText} for an optional wire string, noting `field` when it was shortened. */
export function boundOptionalText(
  value: string | null | undefined,
  field: TruncatedField,
  notes: TruncationNotes,
): string | null {
  if (value === null || value === undefined) return null;
  const bounded = boundText(value, recallValueLimits.textBytes);
  if (bounded !== value) notes.truncated(field);
  return bounded;
}

const noExtraData: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A participant's `extra_data`, frozen, or `{}` when it is missing or its JSON is over
 * {@link recallValueLimits}.extraDataBytes (noted): platform data has no fixed shape, so it is
 * kept whole or not at all rather than cut somewhere inside.
 */
export function boundExtraData(
  extraData: Record<string, unknown> | null | undefined,
  notes: TruncationNotes,
): Readonly<Record<string, unknown>> {
  if (!extraData) return noExtraData;
  if (isEmpty(extraData)) return Object.freeze(extraData);
  if (jsonFits(extraData, recallValueLimits.extraDataBytes)) return Object.freeze(extraData);
  notes.truncated("participant.extra_data");
  return noExtraData;
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _key in record) return false;
  return true;
}

function jsonFits(value: unknown, maxBytes: number): boolean {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // Nested too deeply to serialise (a stack overflow): far from anything a platform sends.
    return false;
  }
  if (json === undefined) return true;
  return json.length <= maxBytes && (json.length * 3 <= maxBytes || Buffer.byteLength(json, "utf8") <= maxBytes);
}
