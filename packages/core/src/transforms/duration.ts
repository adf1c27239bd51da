import { z } from "zod";

const units: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const durationPattern = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)\s*$/;

/**
 * Parses a duration such as `500ms`, `2s`, `1.5m` or `1h` into seconds. Returns null when the
 * text is not a duration.
 */
export function parseDurationSeconds(text: string): number | null {
  const match = durationPattern.exec(text);
  if (match === null) return null;
  const amount = Number(match[1]);
  const unit = units[match[2] ?? ""];
  if (unit === undefined || !Number.isFinite(amount)) return null;
  return amount * unit;
}

/**
 * A positive duration option: a string with a unit (`500ms`, `2s`, `1m`, `1h`) or a number of
 * seconds. Its output is seconds.
 */
export const durationSecondsSchema = z.union([z.number(), z.string()]).transform((value, context) => {
  const seconds = typeof value === "number" ? value : parseDurationSeconds(value);
  if (seconds === null || !Number.isFinite(seconds) || seconds <= 0) {
    context.addIssue({
      code: "custom",
      message: `expected a positive duration such as "500ms", "2s" or "1m" (or a number of seconds), got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return seconds;
});
