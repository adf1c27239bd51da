import type { z } from "zod";
import type { ConfigPath } from "./config-path.js";
import { closestMatch } from "./did-you-mean.js";
import { describeExpected, describeValue } from "./expectation.js";
import type { ProblemCollector } from "./problem-collector.js";
import { type AnySchema, isSecretPath, objectKeys, schemaAtPath } from "./zod-introspection.js";

/** What is being validated, for wording: plugin options or framepipe's own keys. */
export type KeyNoun = "option" | "key";

/** Shown instead of a secret value. */
export const redactedText = "[redacted]";

/** `unknown option \`widht\`; did you mean \`width\`?`, or the known names when none is close. */
export function unknownKeyMessage(noun: KeyNoun, key: string, known: readonly string[]): string {
  const match = closestMatch(key, known);
  if (match !== undefined) return `unknown ${noun} \`${key}\`; did you mean \`${match}\`?`;
  if (known.length === 0) return `unknown ${noun} \`${key}\`: this takes no ${noun}s`;
  return `unknown ${noun} \`${key}\`; known ${noun}s: ${known.join(", ")}`;
}

/**
 * True when the issue is about a value that was not written: a wrong type, or no branch of a
 * union (a duration or size option: number or string) matching, for `undefined`.
 */
function isMissingValue(issue: z.core.$ZodIssue): boolean {
  return (issue.code === "invalid_type" || issue.code === "invalid_union") && issue.input === undefined;
}

/** Records zod issues as config problems whose messages read `expected …, got …`. */
export function reportZodIssues(options: {
  readonly schema: AnySchema;
  readonly issues: readonly z.core.$ZodIssue[];
  readonly basePath: ConfigPath;
  readonly problems: ProblemCollector;
  readonly noun: KeyNoun;
  /** Leave out unknown keys at the root (the caller reported them itself). */
  readonly skipRootUnknownKeys?: boolean;
  /** Root keys not to report as missing: an unknown key was already reported as their likely typo. */
  readonly skipMissingKeys?: ReadonlySet<string>;
}): void {
  const { schema, basePath, problems, noun } = options;
  const seen = new Set<string>();
  const add = (path: ConfigPath, message: string, anchor: "key" | "value" = "value"): void => {
    const key = `${path.join("\u0000")}\u0001${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.error(path, message, { anchor });
  };

  for (const issue of options.issues) {
    const issuePath = issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
    const path = [...basePath, ...issuePath];
    if (issue.code === "unrecognized_keys") {
      if (options.skipRootUnknownKeys && issuePath.length === 0) continue;
      const parent = schemaAtPath(schema, issuePath);
      const known = parent ? (objectKeys(parent) ?? []) : [];
      for (const key of issue.keys) add([...path, key], unknownKeyMessage(noun, key, known), "key");
      continue;
    }
    const [firstSegment] = issuePath;
    const missing = isMissingValue(issue);
    if (missing && issuePath.length === 1 && options.skipMissingKeys?.has(String(firstSegment))) continue;
    add(path, messageForIssue(schema, issue, issuePath, noun));
  }
}

function messageForIssue(
  schema: AnySchema,
  issue: z.core.$ZodIssue,
  issuePath: readonly (string | number)[],
  noun: KeyNoun,
): string {
  const target = schemaAtPath(schema, issuePath);
  const secret = isSecretPath(schema, issuePath);
  const input: unknown = issue.input;
  const got = secret ? redactedText : describeValue(input);
  const expected = target ? describeExpected(target) : undefined;

  if (isMissingValue(issue)) {
    const what =
      issuePath.length > 0 && typeof issuePath[issuePath.length - 1] === "string" ? `required ${noun}` : "a value";
    return expected ? `missing ${what} (expected ${expected})` : `missing ${what}`;
  }
  if (issue.code === "custom") {
    const custom = issue.message && issue.message !== "Invalid input" ? issue.message : "invalid value";
    return secret ? custom : `${custom}, got ${got}`;
  }
  if (issue.code === "not_multiple_of") return `expected a multiple of ${String(issue.divisor)}, got ${got}`;
  if (expected === undefined) return secret ? `invalid value (${issue.code})` : `${issue.message}, got ${got}`;

  let message = `expected ${expected}, got ${got}`;
  if (issue.code === "invalid_value" && typeof input === "string" && !secret) {
    const match = closestMatch(
      input,
      issue.values.filter((value): value is string => typeof value === "string"),
    );
    if (match !== undefined) message += `; did you mean "${match}"?`;
  }
  return message;
}
