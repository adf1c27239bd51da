import type { AnyPluginDefinition } from "../plugin/define-plugin.js";
import { pluginOptionsJsonSchema } from "./config-json-schema.js";
import { type JsonSchemaNode, typeLabelOf } from "./json-schema-text.js";
import { type OptionUnit, optionUnitOf } from "./option-unit.js";
import { type AnySchema, childSchema, isSecretLayered } from "./zod-introspection.js";

/** One option of a plugin, for `framepipe plugins` and README option tables. */
export interface PluginOptionDescription {
  readonly name: string;
  /**
   * Human type: `string`, `integer > 0`, `enum png|jpeg`, `list of string`, `integer | null`;
   * `duration` and `size` for options built with `durationSchema()` and `byteSizeSchema()`.
   */
  readonly type: string;
  /** True when the config must set it (no default, not optional). */
  readonly required: boolean;
  /** The default, when the schema has one (secrets' defaults are never shown). */
  readonly default?: unknown;
  /** The schema's `.describe()` text. */
  readonly description?: string;
  /** Marked with `secret()`: never printed. */
  readonly secret: boolean;
}

// The JSON Schema of a unit option reads `integer >= 1 | string`; its unit says more.
const unitLabels: Readonly<Record<OptionUnit, string>> = { duration: "duration", byteSize: "size" };

/** Describes a plugin's options from the JSON Schema of its zod schema, in declaration order. */
export function describePluginOptions(definition: Pick<AnyPluginDefinition, "options">): PluginOptionDescription[] {
  const json = pluginOptionsJsonSchema(definition);
  const properties = (json.properties ?? {}) as Record<string, JsonSchemaNode>;
  const required = new Set(Array.isArray(json.required) ? json.required.map(String) : []);
  return Object.entries(properties).map(([name, property]) => {
    const child = childSchema(definition.options as unknown as AnySchema, name);
    const secret = child !== undefined && isSecretLayered(child);
    const unit = child === undefined ? undefined : optionUnitOf(child);
    const description = typeof property.description === "string" ? property.description : undefined;
    return {
      name,
      type: unit === undefined ? typeLabelOf(property) : unitLabels[unit],
      required: required.has(name),
      ...(property.default === undefined || secret ? {} : { default: property.default }),
      ...(description === undefined ? {} : { description }),
      secret,
    };
  });
}
