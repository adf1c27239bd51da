import type { z } from "zod";
import { isSecretSchema } from "../plugin/secret.js";

/** Any zod (v4) schema, from whichever copy of zod created it. */
export type AnySchema = z.core.$ZodType;

interface LooseDefinition {
  readonly type: string;
  readonly [field: string]: unknown;
}

function definitionOf(schema: AnySchema): LooseDefinition {
  return schema._zod.def as unknown as LooseDefinition;
}

const wrapperTypes = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"]);

/**
 * The schema and every layer inside it down to the one that gives the value its shape:
 * optional/default/nullable/readonly/catch wrappers, the input side of pipes (transforms), lazy.
 */
export function schemaLayers(schema: AnySchema): AnySchema[] {
  const layers: AnySchema[] = [];
  let current: AnySchema | undefined = schema;
  while (current !== undefined && layers.length < 32) {
    layers.push(current);
    const definition = definitionOf(current);
    if (wrapperTypes.has(definition.type)) current = definition.innerType as AnySchema;
    else if (definition.type === "pipe") current = definition.in as AnySchema;
    else if (definition.type === "lazy") current = (definition.getter as () => AnySchema)();
    else current = undefined;
  }
  return layers;
}

/** The innermost layer of {@link schemaLayers}. */
export function coreSchema(schema: AnySchema): AnySchema {
  const layers = schemaLayers(schema);
  return layers[layers.length - 1] ?? schema;
}

/** The keys an object schema accepts (all branches of a union or intersection); undefined for non-objects. */
export function objectKeys(schema: AnySchema): string[] | undefined {
  const core = coreSchema(schema);
  const definition = definitionOf(core);
  if (definition.type === "object") return Object.keys(definition.shape as Record<string, unknown>);
  const branches =
    definition.type === "union"
      ? (definition.options as AnySchema[])
      : definition.type === "intersection"
        ? [definition.left as AnySchema, definition.right as AnySchema]
        : undefined;
  if (!branches) return undefined;
  const keys = new Set<string>();
  let anyObject = false;
  for (const branch of branches) {
    const branchKeys = objectKeys(branch);
    if (branchKeys === undefined) continue;
    anyObject = true;
    for (const key of branchKeys) keys.add(key);
  }
  return anyObject ? [...keys] : undefined;
}

/** True when the (unwrapped) schema is an object that rejects unknown keys. */
export function isStrictObject(schema: AnySchema): boolean {
  const definition = definitionOf(coreSchema(schema));
  if (definition.type !== "object") return false;
  const catchall = definition.catchall as AnySchema | undefined;
  return catchall !== undefined && definitionOf(catchall).type === "never";
}

/** The schema of one child (object key, list item, record value), looking through wrappers and unions. */
export function childSchema(schema: AnySchema, segment: PropertyKey): AnySchema | undefined {
  const definition = definitionOf(coreSchema(schema));
  switch (definition.type) {
    case "object": {
      const shape = definition.shape as Record<string, AnySchema>;
      return Object.hasOwn(shape, String(segment)) ? shape[String(segment)] : (definition.catchall as AnySchema);
    }
    case "array":
      return definition.element as AnySchema;
    case "record":
      return definition.valueType as AnySchema;
    case "tuple": {
      const items = definition.items as AnySchema[];
      return typeof segment === "number" && segment < items.length ? items[segment] : (definition.rest as AnySchema);
    }
    case "union":
      return firstChild(definition.options as AnySchema[], segment);
    case "intersection":
      return firstChild([definition.left as AnySchema, definition.right as AnySchema], segment);
    default:
      return undefined;
  }
}

function firstChild(branches: readonly AnySchema[], segment: PropertyKey): AnySchema | undefined {
  for (const branch of branches) {
    const child = childSchema(branch, segment);
    if (child !== undefined && definitionOf(coreSchema(child)).type !== "never") return child;
  }
  return undefined;
}

/** The schema at a path inside `schema`, or undefined when the path leaves it. */
export function schemaAtPath(schema: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    current = childSchema(current, segment);
  }
  return current;
}

/** True when the schema, or any wrapper layer of it, is marked `secret()`. */
export function isSecretLayered(schema: AnySchema): boolean {
  return schemaLayers(schema).some((layer) => isSecretSchema(layer as z.ZodType));
}

/** True when any schema along `path` (a secret object hides all it contains) is marked `secret()`. */
export function isSecretPath(schema: AnySchema, path: readonly PropertyKey[]): boolean {
  let current: AnySchema | undefined = schema;
  if (isSecretLayered(current)) return true;
  for (const segment of path) {
    current = childSchema(current, segment);
    if (current === undefined) return false;
    if (isSecretLayered(current)) return true;
  }
  return false;
}
