import { z } from "zod";

/** Schemas marked secret: their values are redacted wherever framepipe prints options. */
export const secretRegistry = z.registry<{ secret: true }>();

/**
 * Marks an option schema as secret (tokens, signing secrets, credentials). framepipe never
 * prints its value: validation messages, `validate` output and logs show `[redacted]`.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  secretRegistry.add(schema, { secret: true });
  return schema;
}

/** True when `schema` was marked with {@link secret}. */
export function isSecretSchema(schema: z.ZodType): boolean {
  return secretRegistry.has(schema);
}
