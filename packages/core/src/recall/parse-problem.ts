import type { z } from "zod";
import type { ParseProblem, ParseProblemKind, ParseResult } from "./recall-event.js";

const maximumSegmentLength = 40;
const plainSegment = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Builds a failed {@link ParseResult}. */
export function failure(
  kind: ParseProblemKind,
  message: string,
  bytes: number,
  details: { readonly path?: string; readonly event?: string | undefined } = {},
): ParseResult {
  const problem: ParseProblem = {
    kind,
    message,
    bytes,
    ...(details.path === undefined ? {} : { path: details.path }),
    ...(details.event === undefined ? {} : { event: details.event }),
  };
  return { ok: false, problem: Object.freeze(problem) };
}

/**
 * A `schema` failure from zod issues: the first issue's path and message, and how many more there
 * were. zod's default messages name expected types, never the received values, so no payload leaks.
 */
export function schemaFailure(issues: readonly z.core.$ZodIssue[], bytes: number, event?: string): ParseResult {
  const first = issues[0];
  const path = first === undefined ? "" : formatPath(first.path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  const reason = oneLine(first?.message ?? "invalid message");
  const message = `${path === "" ? "message" : path}: ${reason}${more}`;
  return failure("schema", message, bytes, { path, event });
}

/**
 * Joins a zod path as `data.data.participant.id` (array indices as `.0`). Keys that are not plain
 * identifiers come from the payload (metadata keys), so they are quoted, shortened and reduced to
 * printable ASCII.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let result = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      result += result === "" ? String(segment) : `.${segment}`;
    } else if (typeof segment === "string" && plainSegment.test(segment) && segment.length <= maximumSegmentLength) {
      result += result === "" ? segment : `.${segment}`;
    } else {
      const printable = String(segment)
        .slice(0, maximumSegmentLength)
        .replace(/[^\x20-\x7e]/g, "?");
      result += `[${JSON.stringify(printable)}]`;
    }
  }
  return result;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
