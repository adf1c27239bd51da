import type { AnyPluginDefinition } from "../plugin/define-plugin.js";
import type { ComponentEntry } from "./component-entries.js";
import { closestMatch } from "./did-you-mean.js";
import type { ProblemCollector } from "./problem-collector.js";
import { type AnySchema, objectKeys } from "./zod-introspection.js";
import { reportZodIssues, unknownKeyMessage } from "./zod-issue-messages.js";

/**
 * Validates a component's flat options with its plugin's schema. Unknown keys are errors even
 * when the plugin's schema would strip them, so a typo never passes silently. Returns the parsed
 * (defaulted) options, or undefined when there were problems.
 */
export async function validateComponentOptions(
  entry: ComponentEntry,
  definition: AnyPluginDefinition,
  problems: ProblemCollector,
): Promise<Record<string, unknown> | undefined> {
  const schema = definition.options as unknown as AnySchema;
  const known = objectKeys(schema);
  let unknownKeys = false;
  const likelyMeant = new Set<string>();
  if (known !== undefined) {
    for (const key of Object.keys(entry.options)) {
      if (known.includes(key)) continue;
      unknownKeys = true;
      const match = closestMatch(key, known);
      if (match !== undefined) likelyMeant.add(match);
      problems.error([...entry.path, key], unknownKeyMessage("option", key, known), { anchor: "key" });
    }
  }
  let result: Awaited<ReturnType<typeof definition.options.safeParseAsync>>;
  try {
    result = await definition.options.safeParseAsync(entry.options, { reportInput: true });
  } catch (error) {
    // A refinement that throws is a plugin bug; report it without echoing option values.
    const reason = error instanceof Error ? error.message : String(error);
    problems.error(
      entry.path,
      `the ${entry.kind} plugin \`${definition.type}\` failed to check its options: ${reason}`,
      {
        code: "PLUGIN_INVALID",
        anchor: "key",
      },
    );
    return undefined;
  }
  if (!result.success) {
    reportZodIssues({
      schema,
      issues: result.error.issues,
      basePath: entry.path,
      problems,
      noun: "option",
      skipRootUnknownKeys: known !== undefined,
      skipMissingKeys: likelyMeant,
    });
    return undefined;
  }
  if (unknownKeys) return undefined;
  const data: unknown = result.data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
}
