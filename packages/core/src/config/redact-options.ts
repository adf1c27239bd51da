import type { AnyPluginDefinition } from "../plugin/define-plugin.js";
import { isPlainObject } from "./component-entries.js";
import { type AnySchema, childSchema, isSecretLayered } from "./zod-introspection.js";
import { redactedText } from "./zod-issue-messages.js";

/**
 * A copy of `options` with every value whose schema is marked `secret()` replaced by
 * `"[redacted]"` (nested objects and lists included), for `validate` output and logs.
 */
export function redactOptions(
  definition: Pick<AnyPluginDefinition, "options">,
  options: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const redacted = redactValue(definition.options as unknown as AnySchema, options);
  return isPlainObject(redacted) ? redacted : {};
}

function redactValue(schema: AnySchema | undefined, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (schema !== undefined && isSecretLayered(schema)) return redactedText;
  if (Array.isArray(value)) {
    return value.map((item, index) => redactValue(schema && childSchema(schema, index), item));
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactValue(schema && childSchema(schema, key), item)]),
    );
  }
  return value;
}
