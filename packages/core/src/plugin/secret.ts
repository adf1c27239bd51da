import { z } from "zod";

type SecretRegistry = z.core.$ZodRegistry<{ secret: true }>;

const registryKey = Symbol.for("framepipe.secretRegistry");
const definitionMarker = Symbol.for("framepipe.secret");
const globalScope = globalThis as unknown as Record<symbol, SecretRegistry | undefined>;

/**
 * Schemas marked secret: their values are redacted wherever framepipe prints options.
 * Kept on `globalThis` (under a `Symbol.for` key) so that a plugin loaded with its own copy of
 * core (a local `.ts` file imported through tsx, a package with a nested core) marks schemas in
 * the same registry the config validator reads.
 */
export const secretRegistry: SecretRegistry = globalScope[registryKey] ?? z.registry<{ secret: true }>();
globalScope[registryKey] = secretRegistry;

/**
 * Marks an option schema as secret (tokens, signing secrets, credentials). framepipe never
 * prints its value: validation messages, `validate` output and logs show `[redacted]`.
 * The mark survives `.describe()`, `.meta()` and refinements such as `.min(8)` made afterwards.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  secretRegistry.add(schema, { secret: true });
  // zod copies the definition object into clones (`describe`, checks), so a mark on it follows them.
  (schema._zod.def as unknown as Record<symbol, boolean>)[definitionMarker] = true;
  return schema;
}

/** True when `schema` was marked with {@link secret}. */
export function isSecretSchema(schema: z.ZodType): boolean {
  if (secretRegistry.has(schema)) return true;
  return (schema._zod?.def as unknown as Record<symbol, boolean> | undefined)?.[definitionMarker] === true;
}
