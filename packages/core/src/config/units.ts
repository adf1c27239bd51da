const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const byteUnits: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const bytePattern = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;

/** Pattern of a duration string, for the JSON Schema. */
export const durationStringPattern = "^\\d+(\\.\\d+)?\\s*(ms|s|m|h)?$";
/** Pattern of a byte size string, for the JSON Schema. */
export const byteSizeStringPattern = "^\\d+(\\.\\d+)?\\s*([bB]|[kKmMgG][iI]?[bB])?$";

/**
 * A duration in milliseconds from a number (milliseconds) or a string such as `500ms`, `30s`,
 * `5m`, `1h`, `1.5s` (a bare number string is milliseconds). Undefined when it is neither.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  if (typeof value !== "string") return undefined;
  const match = durationPattern.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (durationUnits[match[2] ?? "ms"] ?? 1));
}

/**
 * A size in bytes from a number or a string such as `512KiB`, `256MiB`, `1GB` (KB = 1000,
 * KiB = 1024; units are case-insensitive; a bare number string is bytes). Undefined when it is neither.
 */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  if (typeof value !== "string") return undefined;
  const match = bytePattern.exec(value.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * (byteUnits[(match[2] ?? "b").toLowerCase()] ?? 1));
}

/** `120000` → `2m`, `1500` → `1.5s`, `250` → `250ms`: the largest unit that reads exactly. */
export function formatDuration(milliseconds: number): string {
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (milliseconds >= size && (milliseconds * 10) % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}

/** `268435456` → `256MiB`: the largest binary unit that reads exactly, else bytes. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
