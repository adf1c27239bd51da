import { createHash } from "node:crypto";

/**
 * Longest substituted value, in UTF-8 bytes, hash suffix included. Leaves room for literal text
 * and a second value in one segment under the 255-byte file name limit of common file systems.
 */
export const SAFE_SEGMENT_MAX_BYTES = 120;

/** What an empty, missing or null value renders as when the template gives no fallback. */
export const DEFAULT_FALLBACK = "unknown";

/** `~` plus 8 hex digits of SHA-256: keeps distinct long values distinct after truncation. */
const hashSuffixBytes = 9;

/**
 * Characters that never reach a path: separators (`/`, `\`), characters Windows or SMB shares
 * reject (`<>:"|?*`), control characters, lone surrogates (they have no UTF-8 form), line
 * separators, bidirectional overrides (they make `gpj.exe` display as `exe.jpg`) and the BOM.
 */
const unsafeCharacters = /[/\\<>:"|?*\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/gu;
/** Windows strips these silently, so `name.` and `name` would collide and `CON.` stays reserved. */
const trailingDotsAndSpaces = /[\s.]+$/u;
const leadingSpaces = /^\s+/u;
const leadingDots = /^\.+/;
/** Device names Windows reserves in any case and with any extension (`con.txt`, `COM1.png`). */
const reservedName = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)\s*(\.|$)/i;
/** Values that are already safe and short: ids, numbers, formats. Skips the general path. */
const plainValue = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function shortHash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

/**
 * `value` cut between characters to fit `maxBytes` UTF-8 bytes with `~` and 8 hex digits of the
 * SHA-256 of `original` appended, the suffix included in `maxBytes`. Whatever shortens a value
 * that came from outside uses it, so two distinct values never end up equal.
 */
export function shortenWithHash(value: string, maxBytes: number, original: string = value): string {
  return `${prefixWithinBytes(value, maxBytes - hashSuffixBytes)}~${shortHash(original)}`;
}

/** The longest prefix of `value` within `limit` UTF-8 bytes, cut between characters (graphemes when possible). */
function prefixWithinBytes(value: string, limit: number): string {
  let prefix = "";
  let bytes = 0;
  // Segmenting costs time in the length of the whole text (220 ms for 1 MB). A UTF-16 unit is at
  // least one byte, so the prefix lies within the first `limit` units, and the grapheme the cut
  // ends in lies within `limit + 1`: one unit more settles it the same as the whole text would.
  const head = value.length > limit + 1 ? value.slice(0, limit + 1) : value;
  for (const { segment } of segmenter.segment(head)) {
    const size = Buffer.byteLength(segment, "utf8");
    if (bytes + size > limit) {
      if (prefix !== "") return prefix;
      // One grapheme larger than the limit (a base letter with hundreds of combining marks):
      // cut it between code points instead.
      for (const codePoint of segment) {
        const pointSize = Buffer.byteLength(codePoint, "utf8");
        if (bytes + pointSize > limit) break;
        prefix += codePoint;
        bytes += pointSize;
      }
      return prefix;
    }
    prefix += segment;
    bytes += size;
  }
  return prefix;
}

function sanitise(text: string): string {
  // Trim first so a value of only whitespace (tabs, line separators) counts as empty.
  // NFC first: the same name typed on two platforms (composed or not) is one value, one folder.
  const normalised = text.normalize("NFC");
  let value = normalised.trim().replace(unsafeCharacters, "_");
  if (value === "") return value;
  value = value.replace(trailingDotsAndSpaces, "").replace(leadingSpaces, "");
  value = value.replace(leadingDots, (dots) => "_".repeat(dots.length));
  // `.` and `..` are values, not empty: they get a name of their own (and the hash below).
  if (value === "") value = "_";
  if (reservedName.test(value)) value = `_${value}`;
  // Whatever had to change gets a short hash of the original, so that distinct values never
  // share a segment: `a/b` and `a_b`, `.` and `..`, `CON` and `_CON` all stay apart.
  const changed = value !== normalised;
  if (changed || Buffer.byteLength(value, "utf8") > SAFE_SEGMENT_MAX_BYTES) {
    value = shortenWithHash(value, SAFE_SEGMENT_MAX_BYTES, normalised);
  }
  return value;
}

// Frames of one participant repeat the same values many times a second; the cache keeps
// sanitising off the per-frame path. Cleared when full, which bounds memory whatever the input.
const cacheLimit = 4096;
const cacheableLength = 4096;
const cache = new Map<string, string>();

/**
 * Turns any value into one safe path segment (file or folder name): separators, `\`, NUL,
 * control characters and characters Windows rejects become `_`; `.` and `..` cannot survive
 * (trailing dots and spaces are trimmed, leading dots become `_`); Windows device names (`CON`,
 * `com1.txt`) get a `_` prefix; values over {@link SAFE_SEGMENT_MAX_BYTES} UTF-8 bytes are cut
 * between characters and end in `~` plus a short hash of the whole value, so distinct long
 * values stay distinct. Letters of any script and emoji are kept (NFC-normalised).
 *
 * A value that is missing, null, or empty after sanitising renders as `fallback` (itself
 * sanitised), or `unknown`. Never throws.
 *
 * @example
 * ```ts
 * toSafeSegment("../../etc/passwd"); // "___.._etc_passwd"
 * toSafeSegment("con.txt");          // "_con.txt"
 * toSafeSegment(null, "guest");      // "guest"
 * ```
 */
export function toSafeSegment(value: string | number | null | undefined, fallback?: string): string {
  if (value === null || value === undefined) return fallbackSegment(fallback);
  const text = typeof value === "string" ? value : Number.isFinite(value) ? String(value) : "";
  if (text.length <= SAFE_SEGMENT_MAX_BYTES && plainValue.test(text) && !reservedName.test(text)) return text;
  let safe = cache.get(text);
  if (safe === undefined) {
    safe = sanitise(text);
    // Only short values are cached: a plugin handing in megabyte strings must not fill it with them.
    if (text.length <= cacheableLength) {
      if (cache.size >= cacheLimit) cache.clear();
      cache.set(text, safe);
    }
  }
  return safe === "" ? fallbackSegment(fallback) : safe;
}

function fallbackSegment(fallback: string | undefined): string {
  return fallback === undefined ? DEFAULT_FALLBACK : toSafeSegment(fallback);
}
