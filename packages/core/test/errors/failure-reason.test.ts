import { describe, expect, it } from "vitest";
import { failureReason } from "../../src/errors/failure-reason.js";
import { FramepipeError } from "../../src/errors/framepipe-error.js";

function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, open '/srv/frames/rec/000001.png'`), { code });
}

describe("failureReason", () => {
  it("describes a system error by its code, the same for every file it hit", () => {
    expect(failureReason(systemError("EROFS"))).toBe("read-only file system (EROFS)");
    expect(failureReason(systemError("ENOSPC"))).toBe("no space left on device (ENOSPC)");
    expect(failureReason(systemError("EDQUOT"))).toBe("disk quota exceeded (EDQUOT)");
    expect(failureReason(systemError("EIO"))).toBe("input/output error (EIO)");
  });

  it("finds the system error behind a FramepipeError, whose own code says where rather than why", () => {
    const wrapped = new FramepipeError({
      code: "SINK_WRITE_FAILED",
      component: "sink:fs#disk",
      message: 'cannot write "rec/000001.png" under /srv/frames: the file system is read-only (EROFS)',
      cause: systemError("EROFS"),
    });
    expect(failureReason(wrapped)).toBe("read-only file system (EROFS)");
  });

  it("keeps an unknown code as it is", () => {
    expect(failureReason(systemError("EWEIRD"))).toBe("EWEIRD");
  });

  it("falls back to the message's first line, without framepipe's prefixes, cut short", () => {
    const error = new FramepipeError({
      code: "SINK_WRITE_FAILED",
      component: "sink:x#y",
      message: "bucket gone\nmore",
    });
    expect(failureReason(error)).toBe("bucket gone");
    expect(failureReason("plain")).toBe("plain");
    expect(failureReason(new Error(""))).toBe("unknown error");
    const long = failureReason(new Error("x".repeat(500)));
    expect(long).toHaveLength(120);
    expect(long.endsWith("…")).toBe(true);
  });

  it("stops at a cause cycle", () => {
    const error: Error & { cause?: unknown } = new Error("loop");
    error.cause = error;
    expect(failureReason(error)).toBe("loop");
  });
});
