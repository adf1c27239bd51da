import { type AnySchema, schemaLayers } from "./zod-introspection.js";

/** The unit an option takes: a duration (milliseconds) or a byte size (bytes). */
export type OptionUnit = "duration" | "byteSize";

// On the definition object, which zod copies into the clones `.describe()` and `.meta()` make, and
// under a `Symbol.for` key, so a schema built by a plugin's own copy of core is recognised too.
const unitMarker = Symbol.for("framepipe.optionUnit");

type MarkedDefinition = { [unitMarker]?: OptionUnit };

/** Records which unit a schema made by `durationSchema` or `byteSizeSchema` takes. */
export function markOptionUnit<T extends AnySchema>(schema: T, unit: OptionUnit): T {
  (schema._zod.def as unknown as MarkedDefinition)[unitMarker] = unit;
  return schema;
}

/**
 * The unit of an option schema built with `durationSchema()` or `byteSizeSchema()`, looking
 * through `.optional()`, `.default()`, `.prefault()` and the like; undefined for any other schema.
 * Lets tools (option tables, tests) find every duration and size option without a list.
 */
export function optionUnitOf(schema: AnySchema): OptionUnit | undefined {
  for (const layer of schemaLayers(schema)) {
    const unit = (layer._zod.def as unknown as MarkedDefinition)[unitMarker];
    if (unit !== undefined) return unit;
  }
  return undefined;
}
