import { z } from "zod";
import type { AnyPluginDefinition } from "../plugin/define-plugin.js";
import type { ComponentKind } from "../plugin/plugin-context.js";
import { componentSections } from "./component-entries.js";
import { apiSchema, componentConcurrencySchema, logSchema, onErrorSchema, runtimeSchema } from "./section-schemas.js";
import { type AnySchema, isSecretLayered } from "./zod-introspection.js";

type MutableSchema = { [keyword: string]: unknown };

/** A JSON Schema (draft 2020-12) document. */
export type JsonSchema = { readonly [keyword: string]: unknown };

const componentIdPattern = "^[A-Za-z0-9_-]+$";

/**
 * The JSON Schema (draft 2020-12) of a whole pipeline file, with every given plugin's options:
 * each component entry is one of the plugins of its kind, told apart by `type`. Other types
 * (plugins loaded from `plugins:`) stay allowed. Editors use it through
 * `# yaml-language-server: $schema=./framepipe.schema.json`.
 */
export function buildConfigJsonSchema(definitions: readonly AnyPluginDefinition[]): JsonSchema {
  const defs: MutableSchema = {};
  const properties: MutableSchema = {
    version: { const: 1, description: "Config format version: 1." },
  };
  for (const { section, kind } of componentSections) {
    const ofKind = definitions.filter((definition) => definition.kind === kind);
    const entries = ofKind.map((definition) => {
      const name = `${kind}-${definition.type}`;
      defs[name] = pluginEntrySchema(definition, name, defs);
      return { $ref: `#/$defs/${name}` };
    });
    const knownTypes = ofKind.map((definition) => definition.type);
    entries.push({ $ref: `#/$defs/${kind}-other` } as { $ref: string });
    defs[`${kind}-other`] = otherPluginSchema(kind, knownTypes);
    properties[section] = {
      type: ["object", "null"],
      description: `${capitalised(section)}, keyed by component id (letters, digits, - and _).`,
      propertyNames: { pattern: componentIdPattern },
      additionalProperties: entries.length === 1 ? entries[0] : { oneOf: entries },
    };
  }
  properties.runtime = sectionSchema(runtimeSchema);
  properties.api = sectionSchema(apiSchema);
  properties.log = sectionSchema(logSchema);
  properties.plugins = {
    type: "array",
    description: "Extra plugin modules: paths relative to this file (./plugins/blur.ts) or package names.",
    items: { type: "string", minLength: 1 },
  };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "framepipe pipeline",
    description: "A framepipe pipeline: sources, transforms and sinks wired by `inputs`.",
    type: "object",
    required: ["version"],
    properties,
    patternProperties: { "^x-": { description: "Free-form: a place for YAML anchors." } },
    additionalProperties: false,
    $defs: defs,
  };
}

const standardFormats = new Set([
  "date-time",
  "date",
  "time",
  "duration",
  "email",
  "idn-email",
  "hostname",
  "idn-hostname",
  "ipv4",
  "ipv6",
  "uri",
  "uri-reference",
  "iri",
  "iri-reference",
  "uuid",
  "uri-template",
  "json-pointer",
  "relative-json-pointer",
  "regex",
]);

/** JSON Schema of one plugin's options as written in a config (defaults optional). */
export function pluginOptionsJsonSchema(definition: Pick<AnyPluginDefinition, "options">): MutableSchema {
  return toInputJsonSchema(definition.options as unknown as AnySchema);
}

function toInputJsonSchema(schema: AnySchema): MutableSchema {
  return z.toJSONSchema(schema, {
    io: "input",
    target: "draft-2020-12",
    unrepresentable: "any",
    override: (context) => {
      if (isSecretLayered(context.zodSchema as AnySchema)) context.jsonSchema.writeOnly = true;
      // zod names checks such as startsWith as formats; strict validators reject unknown ones.
      const format = context.jsonSchema.format;
      if (typeof format === "string" && !standardFormats.has(format)) delete context.jsonSchema.format;
    },
  }) as MutableSchema;
}

function pluginEntrySchema(definition: AnyPluginDefinition, name: string, defs: MutableSchema): MutableSchema {
  const options = hoistDefinitions(pluginOptionsJsonSchema(definition), name, defs);
  delete options.$schema;
  const common: MutableSchema = {
    type: { const: definition.type, description: definition.summary },
    ...(definition.kind === "source"
      ? {}
      : { inputs: inputsSchema(), concurrency: sectionSchema(componentConcurrencySchema) }),
    onError: sectionSchema(onErrorSchema),
  };
  const title = `${definition.kind} ${definition.type}`;
  if (options.type === "object" && typeof options.properties === "object" && options.properties !== null) {
    const required = Array.isArray(options.required) ? options.required : [];
    return {
      ...options,
      title,
      description: definition.summary,
      properties: { ...common, ...(options.properties as MutableSchema) },
      required: [...new Set(["type", ...(definition.kind === "source" ? [] : ["inputs"]), ...required])],
    };
  }
  return {
    title,
    description: definition.summary,
    type: "object",
    properties: common,
    required: ["type", ...(definition.kind === "source" ? [] : ["inputs"])],
  };
}

function otherPluginSchema(kind: ComponentKind, knownTypes: readonly string[]): MutableSchema {
  const type: MutableSchema = { type: "string", description: `A ${kind} plugin type.` };
  if (knownTypes.length > 0) type.not = { enum: [...knownTypes] };
  return {
    title: `other ${kind}`,
    description: `A ${kind} from a plugin this schema does not know (a package or a module under plugins:).`,
    type: "object",
    properties: {
      type,
      ...(kind === "source" ? {} : { inputs: inputsSchema(), concurrency: sectionSchema(componentConcurrencySchema) }),
      onError: sectionSchema(onErrorSchema),
    },
    required: ["type", ...(kind === "source" ? [] : ["inputs"])],
  };
}

function inputsSchema(): MutableSchema {
  return {
    type: "array",
    description: "Ids of upstream sources or transforms: fan-in merges, fan-out shares.",
    items: { type: "string", pattern: componentIdPattern },
    minItems: 1,
  };
}

function sectionSchema(schema: AnySchema): MutableSchema {
  const json = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as MutableSchema;
  delete json.$schema;
  return json;
}

/** Moves a plugin schema's own `$defs` to the root under a prefixed name, rewriting its `$ref`s. */
function hoistDefinitions(schema: MutableSchema, prefix: string, defs: MutableSchema): MutableSchema {
  const local = schema.$defs as MutableSchema | undefined;
  if (local === undefined) return schema;
  delete schema.$defs;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (typeof node !== "object" || node === null) return node;
    const copy: MutableSchema = {};
    for (const [key, value] of Object.entries(node)) {
      copy[key] =
        key === "$ref" && typeof value === "string" && value.startsWith("#/$defs/")
          ? `#/$defs/${prefix}.${value.slice("#/$defs/".length)}`
          : key === "$ref" && value === "#"
            ? `#/$defs/${prefix}`
            : rewrite(value);
    }
    return copy;
  };
  for (const [name, definition] of Object.entries(local)) defs[`${prefix}.${name}`] = rewrite(definition);
  return rewrite(schema) as MutableSchema;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
