import { z } from "zod";

const byteUnits: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};
const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const bytePattern = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;

/**
 * Bytes from a number or a string such as `16MiB`, `512KiB`, `1GB` (KB = 1000, KiB = 1024, units
 * case-insensitive, a bare number is bytes). Undefined when it is neither.
 */
export function parseByteSize(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  const match = bytePattern.exec(value.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * (byteUnits[(match[2] ?? "b").toLowerCase()] ?? 1));
}

/**
 * Milliseconds from a number (milliseconds) or a string such as `500ms`, `30s`, `5m`, `1h` (a bare
 * number string is milliseconds). Undefined when it is neither.
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  const match = durationPattern.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (durationUnits[match[2] ?? "ms"] ?? 1));
}

/** A size option written as bytes or `16MiB`; its output is a positive number of bytes. */
export function byteSizeSchema() {
  return z.union([z.number(), z.string()]).transform((value, context) => {
    const bytes = parseByteSize(value);
    if (bytes === undefined || bytes <= 0) {
      context.addIssue({
        code: "custom",
        message: `expected a size such as 16MiB, 512KiB or 1GB (or a number of bytes), greater than 0, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return bytes;
  });
}

/**
 * A duration option written as milliseconds or `30s`/`5m`; its output is milliseconds. With
 * `allowZero`, 0 is accepted (the option is then turned off).
 */
export function durationSchema(options: { readonly allowZero: boolean }) {
  return z.union([z.number(), z.string()]).transform((value, context) => {
    const milliseconds = parseDuration(value);
    if (milliseconds === undefined || (!options.allowZero && milliseconds === 0)) {
      const bound = options.allowZero ? "" : ", greater than 0";
      context.addIssue({
        code: "custom",
        message: `expected a duration such as 500ms, 30s or 5m (or a number of milliseconds)${bound}, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return milliseconds;
  });
}
