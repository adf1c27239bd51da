import { getSystemErrorMap } from "node:util";
import { FramepipeError } from "./framepipe-error.js";

/** Longest reason kept: a summary line and a health body stay readable. */
const MAX_REASON_LENGTH = 120;
/** Causes followed at most (a cause chain is short; this only guards against a cycle). */
const MAX_CAUSE_DEPTH = 8;

/** What libuv's table lacks, or says less plainly. */
const plainDescriptions: Readonly<Record<string, string>> = {
  EDQUOT: "disk quota exceeded",
  EIO: "input/output error",
};

let systemDescriptions: Map<string, string> | null = null;

function describeSystemCode(code: string): string | undefined {
  if (plainDescriptions[code]) return plainDescriptions[code];
  if (systemDescriptions === null) {
    systemDescriptions = new Map();
    for (const [name, description] of getSystemErrorMap().values()) systemDescriptions.set(name, description);
  }
  return systemDescriptions.get(code);
}

/** The first system error code (`ENOSPC`) along an error's `cause` chain. */
function systemCodeOf(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === "object" && current !== null; depth += 1) {
    // A FramepipeError's code (`SINK_WRITE_FAILED`) says where, not why: its cause says why.
    if (!FramepipeError.isInstance(current)) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Why something failed, in a few words, for a summary line or a health report:
 * `read-only file system (EROFS)` for a system error anywhere along the `cause` chain, otherwise
 * the error's first line without framepipe's `[framepipe] [component]` prefix, cut at 120
 * characters. Frames failing for the same cause get the same reason, so they can be counted together.
 */
export function failureReason(error: unknown): string {
  const code = systemCodeOf(error);
  if (code !== undefined) {
    const description = describeSystemCode(code);
    return description === undefined ? code : `${description} (${code})`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const line = (message.split("\n", 1)[0] ?? "").replace(/^(\[[^\]]*\] )+/, "").trim();
  const reason = line === "" ? "unknown error" : line;
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}
