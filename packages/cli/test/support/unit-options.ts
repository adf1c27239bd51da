import { type OptionUnit, optionUnitOf } from "@framepipe/core";
import type { z } from "zod";

/** An option built with core's `durationSchema()` or `byteSizeSchema()`, found by walking a schema. */
export interface UnitOption {
  /** Dotted path inside the options, e.g. `interval` or `crop.left`. */
  readonly path: string;
  readonly unit: OptionUnit;
  readonly schema: z.core.$ZodType;
}

type LooseDefinition = { readonly type: string; readonly [field: string]: unknown };

const wrapperTypes = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"]);

function definitionOf(schema: z.core.$ZodType): LooseDefinition {
  return schema._zod.def as unknown as LooseDefinition;
}

/** The object schemas a schema accepts: itself once unwrapped, or the object branches of a union. */
function objectShapes(schema: z.core.$ZodType): Record<string, z.core.$ZodType>[] {
  let current = schema;
  for (let depth = 0; depth < 32; depth += 1) {
    const definition = definitionOf(current);
    if (wrapperTypes.has(definition.type)) current = definition.innerType as z.core.$ZodType;
    else if (definition.type === "pipe") current = definition.in as z.core.$ZodType;
    else break;
  }
  const definition = definitionOf(current);
  if (definition.type === "object") return [definition.shape as Record<string, z.core.$ZodType>];
  if (definition.type !== "union") return [];
  return (definition.options as z.core.$ZodType[]).flatMap(objectShapes);
}

/**
 * Every duration and size option of an options schema, nested objects included. It asks each
 * field's schema what it is, so a new option is found without a list to keep up to date.
 */
export function unitOptionsOf(schema: z.core.$ZodType, prefix = ""): UnitOption[] {
  const found: UnitOption[] = [];
  for (const shape of objectShapes(schema)) {
    for (const [key, field] of Object.entries(shape)) {
      const unit = optionUnitOf(field);
      if (unit === undefined) found.push(...unitOptionsOf(field, `${prefix}${key}.`));
      else found.push({ path: `${prefix}${key}`, unit, schema: field });
    }
  }
  return found;
}

/** Every option of an options schema, nested ones as dotted paths, with its schema. */
export function allOptionsOf(schema: z.core.$ZodType, prefix = ""): { path: string; schema: z.core.$ZodType }[] {
  return objectShapes(schema).flatMap((shape) =>
    Object.entries(shape).flatMap(([key, field]) => [
      { path: `${prefix}${key}`, schema: field },
      ...allOptionsOf(field, `${prefix}${key}.`),
    ]),
  );
}
