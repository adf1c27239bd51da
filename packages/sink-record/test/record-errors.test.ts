import { isTransientError } from "@framepipe/core";
import { createTestContext } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { recordSink } from "../src/index.js";
import { errorReason, toRecordError } from "../src/record-errors.js";
import { tempDir } from "./support/temp-dir.js";

function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, write`), { code });
}

const details = {
  component: "sink:record#rec",
  target: "rec-1.ndjson",
  root: "/srv/recordings",
  stage: "write",
} as const;

describe("record sink errors", () => {
  it.each([
    ["ENOSPC", "no-space"],
    ["EDQUOT", "no-space"],
    ["EROFS", "read-only"],
    ["EIO", "io"],
    ["EMFILE", "busy"],
  ])("%s is transient, as for the fs sink: retried for retryFor", (code, reason) => {
    const error = toRecordError(systemError(code), details);
    expect(error.code).toBe("SINK_WRITE_FAILED");
    expect(error.message).toContain('cannot append to "rec-1.ndjson" under /srv/recordings');
    expect(isTransientError(error)).toBe(true);
    expect(errorReason(systemError(code))).toBe(reason);
  });

  it.each([
    ["EACCES", "permission"],
    ["ENOTDIR", "not-a-directory"],
    ["EEXIST", "not-a-directory"],
  ])("%s is not transient", (code, reason) => {
    expect(isTransientError(toRecordError(systemError(code), details))).toBe(false);
    expect(errorReason(systemError(code))).toBe(reason);
  });

  it("retries for 5 minutes by default, and tells the runtime through the instance", async () => {
    const options = recordSink.options.parse({ dir: await tempDir() });
    expect(options.retryFor).toBe(5 * 60_000);
    const sink = await recordSink.create({ ...options, retryFor: 1_500 }, createTestContext());
    expect(sink.retryFor).toBe(1_500);
    await sink.close?.();
  });
});
