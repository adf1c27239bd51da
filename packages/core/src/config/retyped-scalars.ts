import type { ConfigPath } from "./config-path.js";
import { type AnySchema, schemaAtPath } from "./zod-introspection.js";

/**
 * An interpolated scalar that has a second reading: a plain YAML scalar that typing turned into a
 * number, boolean or null (the other reading is its text), or a JSON string that reads as a
 * number, boolean or null (JSON quotes every string, so `"port": "${PORT}"` is the only way to
 * interpolate a number there).
 */
export interface RetypedScalar {
  readonly path: ConfigPath;
  /** The value's other reading: the text of a typed YAML scalar, or the typed value of a JSON string. */
  readonly alternative: unknown;
}

/**
 * Gives interpolated scalars their other reading where the schema wants it: `token: ${TOKEN}`
 * with `TOKEN=12345678` must stay the string "12345678", while `port: ${PORT}` stays a number; in
 * JSON, `"port": "${PORT}"` becomes the number. A value is replaced only when it fails its schema
 * and the other reading passes it.
 */
export function restoreStringScalars(
  value: unknown,
  basePath: ConfigPath,
  schema: AnySchema,
  retyped: readonly RetypedScalar[],
): unknown {
  let result = value;
  for (const scalar of retyped) {
    if (!startsWith(scalar.path, basePath)) continue;
    const relative = scalar.path.slice(basePath.length);
    const target = schemaAtPath(schema, relative);
    if (target === undefined || relative.length === 0) continue;
    const current = valueAt(result, relative);
    if (isValid(target, current) || !isValid(target, scalar.alternative)) continue;
    if (result === value) result = structuredClone(value);
    setAt(result, relative, scalar.alternative);
  }
  return result;
}

function isValid(schema: AnySchema, value: unknown): boolean {
  const outcome = schema["~standard"].validate(value);
  return !(outcome instanceof Promise) && outcome.issues === undefined;
}

function startsWith(path: ConfigPath, prefix: ConfigPath): boolean {
  return prefix.every((segment, index) => path[index] === segment);
}

function valueAt(root: unknown, path: ConfigPath): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function setAt(root: unknown, path: ConfigPath, value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof parent === "object" && parent !== null && last !== undefined) {
    (parent as Record<string | number, unknown>)[last] = value;
  }
}
