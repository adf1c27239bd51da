import { FramepipeError, isTransientError } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { errorReason, toWriteError, WriteStepError } from "../src/write-errors.js";

function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, open '/srv/frames/x'`), { code });
}

const failure = { component: "sink:fs#disk", target: "rec/7-webcam/000001.png", root: "/srv/frames" };

describe("toWriteError", () => {
  it.each([
    ["publish", "EEXIST", "already exists under /srv/frames (overwrite is false)", "exists"],
    ["mkdir", "EEXIST", "a file with that name is in the way", "exists"],
    ["mkdir", "ENOTDIR", "part of its folder path is a file", "not-a-directory"],
    ["publish", "EISDIR", "a folder with that name is in the way", "is-a-directory"],
    ["write", "EACCES", "permission denied (check the owner and mode of /srv/frames", "permission"],
    ["mkdir", "EPERM", "permission denied", "permission"],
    ["write", "ENAMETOOLONG", "shorten the path template", "name-too-long"],
  ] as const)("%s %s: not transient, explained", (step, code, text, reason) => {
    const error = toWriteError(new WriteStepError(step, systemError(code)), failure);
    expect(error.code).toBe("SINK_WRITE_FAILED");
    expect(error.component).toBe("sink:fs#disk");
    expect(error.stage).toBe("write");
    expect(error.message).toContain('"rec/7-webcam/000001.png"');
    expect(error.message).toContain(text);
    expect(error.message).toContain(code);
    expect(isTransientError(error)).toBe(false);
    expect((error.cause as { code?: string }).code).toBe(code);
    expect(errorReason(new WriteStepError(step, systemError(code)))).toBe(reason);
  });

  it.each([
    ["write", "ENOSPC", "no space left on the device, retried for retryFor", "no-space"],
    ["write", "EDQUOT", "disk quota exceeded, retried for retryFor", "no-space"],
    ["mkdir", "EROFS", "the file system is read-only, retried for retryFor", "read-only"],
    ["publish", "EIO", "input/output error (a failing disk or mount), retried for retryFor", "io"],
  ] as const)(
    "%s %s: transient (it lasts until someone acts, so the sink retries it for retryFor)",
    (step, code, text, reason) => {
      const error = toWriteError(new WriteStepError(step, systemError(code)), failure);
      expect(error.message).toContain(text);
      expect(error.message).toContain(`(${code})`);
      expect(isTransientError(error)).toBe(true);
      expect(errorReason(new WriteStepError(step, systemError(code)))).toBe(reason);
    },
  );

  it.each(["EMFILE", "ENFILE", "EAGAIN", "EBUSY"])("%s is transient, so the runtime retries it", (code) => {
    const error = toWriteError(new WriteStepError("write", systemError(code)), failure);
    expect(isTransientError(error)).toBe(true);
    expect(errorReason(new WriteStepError("write", systemError(code)))).toBe("busy");
  });

  it("explains an error without a code by its message", () => {
    const error = toWriteError(new Error("weird"), { ...failure, stage: "close" });
    expect(error.message).toBe(
      '[framepipe] [sink:fs#disk] cannot write "rec/7-webcam/000001.png" under /srv/frames: weird',
    );
    expect(error.stage).toBe("close");
    expect(errorReason(new Error("weird"))).toBe("other");
  });

  it("keeps a FramepipeError as it is", () => {
    const original = new FramepipeError({ code: "SINK_WRITE_FAILED", message: "x" });
    expect(toWriteError(original, failure)).toBe(original);
  });
});
