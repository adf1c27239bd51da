import { createHash } from "node:crypto";

/** Longest token, in characters, hash suffix included. */
export const SUBJECT_TOKEN_MAX_LENGTH = 64;

/** Tokens that are already subject-safe and short pass unchanged: ids, numbers, types. */
const plainToken = /^[A-Za-z0-9_-]+$/;
/** Everything else (`.`, `*`, `>`, whitespace, `~`, non-ASCII) becomes `_`. */
const unsafeCharacter = /[^A-Za-z0-9_-]/g;

/**
 * Turns a value into one NATS subject token, injectively: a value made only of ASCII letters,
 * digits, `_` and `-` (at most {@link SUBJECT_TOKEN_MAX_LENGTH} characters) is kept as it is;
 * any other value has its unsafe characters (`.`, `*`, `>`, whitespace, `~`, non-ASCII) replaced
 * by `_`, is cut to fit, and ends in `~` plus 8 hex digits of the SHA-256 of the original value.
 * An unchanged token never contains `~` and a changed one always does, so two distinct values
 * never share a token (as in core's safe path segments). The empty value becomes `_~<hash>`.
 *
 * @example
 * ```ts
 * toSubjectToken("rec_123");   // "rec_123"
 * toSubjectToken("a.b");       // "a_b~<hash of a.b>"
 * ```
 */
export function toSubjectToken(value: string | number): string {
  const text = String(value);
  if (text.length <= SUBJECT_TOKEN_MAX_LENGTH && plainToken.test(text)) return text;
  const hash = createHash("sha256").update(text, "utf8").digest("hex").slice(0, 8);
  const cleaned = text.replace(unsafeCharacter, "_").slice(0, SUBJECT_TOKEN_MAX_LENGTH - hash.length - 1);
  return `${cleaned === "" ? "_" : cleaned}~${hash}`;
}
