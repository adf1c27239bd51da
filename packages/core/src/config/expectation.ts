import { z } from "zod";
import { expectationOf, type JsonSchemaNode } from "./json-schema-text.js";
import { type AnySchema, schemaLayers } from "./zod-introspection.js";

const expectations = new WeakMap<object, string>();

/**
 * Gives a schema a hand-written expectation for messages (`a duration such as 30s`). Keyed by the
 * schema's definition, which zod shares with the clones `.describe()` makes.
 */
export function withExpectation<T extends AnySchema>(schema: T, expectation: string): T {
  expectations.set(schema._zod.def, expectation);
  return schema;
}

/** JSON Schema of a zod schema's input, or undefined when zod cannot represent it. */
export function inputJsonSchema(schema: AnySchema): JsonSchemaNode | undefined {
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as JsonSchemaNode;
  } catch {
    return undefined;
  }
}

/** What a schema accepts, phrased to follow "expected": `a positive integer`, `one of "png", "jpeg"`. */
export function describeExpected(schema: AnySchema): string | undefined {
  for (const layer of schemaLayers(schema)) {
    const expectation = expectations.get(layer._zod.def);
    if (expectation !== undefined) return expectation;
  }
  const json = inputJsonSchema(schema);
  return json === undefined ? undefined : expectationOf(json);
}

/** A short rendering of a value the user wrote: `"wide"`, `12`, `a list`, `an object`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "an object";
  return typeof value;
}
