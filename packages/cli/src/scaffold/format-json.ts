/**
 * JSON text laid out the way Biome and Prettier format it, so files framepipe writes into a
 * project (`framepipe init`'s schema, `framepipe schema -o`) pass that project's formatter as
 * written: every non-empty object expanded one key per line, an array on one line when it holds no
 * non-empty object and fits in `lineWidth` (trailing comma counted), otherwise one item per line.
 * `JSON.stringify(value, null, 2)` expands every array, which those formatters collapse.
 */
export function formatJson(value: unknown, lineWidth = 120): string {
  return `${print(value, "", 0, lineWidth)}\n`;
}

/** `value` printed at `indent`, with `used` characters already on its line (key, indent, comma). */
function print(value: unknown, indent: string, used: number, lineWidth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = flatArray(value);
    if (flat !== undefined && used + flat.length <= lineWidth) return flat;
    const inner = `${indent}  `;
    const items = value.map(
      (item, index) =>
        `${inner}${print(item ?? null, inner, inner.length + (index < value.length - 1 ? 1 : 0), lineWidth)}`,
    );
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, entry]) => entry !== undefined);
    if (entries.length === 0) return "{}";
    const inner = `${indent}  `;
    const lines = entries.map(([key, entry], index) => {
      const prefix = `${JSON.stringify(key)}: `;
      const comma = index < entries.length - 1 ? 1 : 0;
      return `${inner}${prefix}${print(entry, inner, inner.length + prefix.length + comma, lineWidth)}`;
    });
    return `{\n${lines.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The one-line form of an array, or undefined when it holds an object that stays expanded. */
function flatArray(items: readonly unknown[]): string | undefined {
  const parts: string[] = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      const inner = item.length === 0 ? "[]" : flatArray(item);
      if (inner === undefined) return undefined;
      parts.push(inner);
    } else if (isObject(item)) {
      if (Object.values(item).some((entry) => entry !== undefined)) return undefined;
      parts.push("{}");
    } else {
      parts.push(JSON.stringify(item ?? null));
    }
  }
  return `[${parts.join(", ")}]`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
