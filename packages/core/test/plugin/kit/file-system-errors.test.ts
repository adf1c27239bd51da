import { describe, expect, it } from "vitest";
import {
  fileSystemErrorReason,
  isTransientFileSystemCode,
  systemErrorCode,
} from "../../../src/plugin/kit/file-system-errors.js";

describe("file-system error classification", () => {
  it.each(["ENOSPC", "EDQUOT", "EROFS", "EIO"])(
    "%s is transient: a full, read-only or failing disk is retried until someone acts",
    (code) => {
      expect(isTransientFileSystemCode(code)).toBe(true);
    },
  );

  it.each(["EMFILE", "ENFILE", "EAGAIN", "EBUSY", "EINTR", "ETIMEDOUT"])("%s is transient: a busy system", (code) => {
    expect(isTransientFileSystemCode(code)).toBe(true);
  });

  it.each(["EEXIST", "EACCES", "EPERM", "ENOTDIR", "EISDIR", "ENAMETOOLONG", "ENOENT"])(
    "%s is not transient: only a change to the config or the files fixes it",
    (code) => {
      expect(isTransientFileSystemCode(code)).toBe(false);
    },
  );

  it("treats a missing code as not transient", () => {
    expect(isTransientFileSystemCode(undefined)).toBe(false);
  });

  it.each([
    ["ENOSPC", "no-space"],
    ["EDQUOT", "no-space"],
    ["EROFS", "read-only"],
    ["EIO", "io"],
    ["EEXIST", "exists"],
    ["EACCES", "permission"],
    ["EMFILE", "busy"],
    ["EWHATEVER", "other"],
    [undefined, "other"],
  ] as const)("labels %s as %s for metrics", (code, reason) => {
    expect(fileSystemErrorReason(code)).toBe(reason);
  });

  it("reads the code of a system error, and nothing else", () => {
    expect(systemErrorCode(Object.assign(new Error("x"), { code: "EROFS" }))).toBe("EROFS");
    expect(systemErrorCode(new Error("x"))).toBeUndefined();
    expect(systemErrorCode({ code: 30 })).toBeUndefined();
    expect(systemErrorCode(null)).toBeUndefined();
  });
});
