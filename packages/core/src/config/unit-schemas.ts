import { z } from "zod";
import { describeValue, withExpectation } from "./expectation.js";
import { markOptionUnit } from "./option-unit.js";
import { byteSizeStringPattern, durationStringPattern, parseByteSize, parseDuration } from "./units.js";

/** Options of {@link durationSchema} and {@link byteSizeSchema}. */
export interface UnitSchemaOptions {
  /**
   * Accept 0 (`0`, `"0s"`, `"0B"`), for options where 0 turns something off. Default false:
   * the value must be greater than 0.
   */
  readonly allowZero?: boolean;
}

interface UnitSpecification {
  readonly pattern: RegExp;
  readonly parse: (value: number | string) => number | undefined;
  /** What the value is, after "a" or "a positive": `duration such as 500ms, … (a bare number is …)`. */
  readonly expectation: string;
}

/**
 * The schema both units share: an integer (the base unit) or a string with a unit, turned into a
 * number of the base unit. Every issue says what was expected and what was written, whether it
 * comes from a bare `schema.parse` or from config validation (which reads the expectation).
 */
function unitSchema(specification: UnitSpecification, allowZero: boolean) {
  const expectation = `${allowZero ? "a" : "a positive"} ${specification.expectation}`;
  const error = (issue: { readonly input?: unknown }) => `expected ${expectation}, got ${describeValue(issue.input)}`;
  const smallest = allowZero ? 0 : 1;
  const schema = z
    .union([z.int({ error }).min(smallest, { error }), z.string({ error }).regex(specification.pattern, { error })], {
      error,
    })
    // The pattern matched, so parsing succeeds; the fallback only satisfies the type.
    .transform((value) => specification.parse(value) ?? Number.NaN)
    // "0.2ms" rounds to 0, which a positive option must still reject.
    .pipe(z.number().min(smallest, { error }));
  return withExpectation(schema, expectation);
}

/**
 * The schema of a duration option, the one rule every framepipe option follows: a bare number is
 * milliseconds (`500`), a string carries its unit (`"500ms"`, `"2s"`, `"5m"`, `"1h"`, `"1.5s"`).
 * The validated value is a number of milliseconds. Negative, fractional-millisecond numbers and
 * other strings are rejected with a message naming the value; 0 only with `allowZero`.
 *
 * @example
 * ```ts
 * options: z.strictObject({
 *   timeout: durationSchema().prefault("10s").describe("How long a request may take."),
 *   heartbeat: durationSchema({ allowZero: true }).prefault("30s").describe("0 turns it off."),
 * }),
 * ```
 */
export function durationSchema(options: UnitSchemaOptions = {}) {
  const schema = unitSchema(
    {
      pattern: new RegExp(durationStringPattern),
      parse: parseDuration,
      expectation: "duration such as 500ms, 2s or 5m (a bare number is milliseconds)",
    },
    options.allowZero ?? false,
  );
  return markOptionUnit(schema, "duration");
}

/**
 * The schema of a byte size option, the one rule every framepipe option follows: a bare number is
 * bytes (`65536`), a string carries its unit (`"64KiB"`, `"256MiB"`, `"1GB"`; KB, MB, GB are powers
 * of 1000, KiB, MiB, GiB of 1024, case-insensitive). The validated value is a number of bytes.
 * Negative or fractional numbers and other strings are rejected with a message naming the value;
 * 0 only with `allowZero`.
 *
 * @example
 * ```ts
 * options: z.strictObject({
 *   maxBody: byteSizeSchema().prefault("8MiB").describe("Largest request body."),
 * }),
 * ```
 */
export function byteSizeSchema(options: UnitSchemaOptions = {}) {
  const schema = unitSchema(
    {
      pattern: new RegExp(byteSizeStringPattern, "i"),
      parse: parseByteSize,
      expectation: "size such as 64KiB, 256MiB or 1GB (a bare number is bytes)",
    },
    options.allowZero ?? false,
  );
  return markOptionUnit(schema, "byteSize");
}
