import { FramepipeError, isTransientError } from "@framepipe/core/plugin";
import { describe, expect, it } from "vitest";
import { classifyS3Error, s3SinkError } from "../src/s3-errors.js";
import { networkError, s3ServiceError } from "./support/fake-s3-client.js";

describe("classifyS3Error", () => {
  it.each([
    ["SlowDown", 503, "throttled"],
    ["ServiceUnavailable", 503, "throttled"],
    ["TooManyRequests", 429, "throttled"],
    ["Throttling", 400, "throttled"],
    ["InternalError", 500, "server"],
    ["BadGateway", 502, "server"],
    ["RequestTimeout", 400, "timeout"],
  ])("%s (HTTP %i) is transient (%s)", (name, status, kind) => {
    const failure = classifyS3Error(s3ServiceError(name, status));
    expect(failure).toMatchObject({ transient: true, kind, status });
  });

  it.each([
    ["AccessDenied", 403, /access denied/],
    ["NoSuchBucket", 404, /bucket does not exist/],
    ["InvalidAccessKeyId", 403, /access key id is not known/],
    ["SignatureDoesNotMatch", 403, /check the secret access key/],
    ["InvalidArgument", 400, /Invalid argument here/],
  ])("%s (HTTP %i) is not transient and says what to check", (name, status, reason) => {
    const failure = classifyS3Error(
      s3ServiceError(name, status, name === "InvalidArgument" ? "Invalid argument here" : name),
    );
    expect(failure.transient).toBe(false);
    expect(failure.kind).toBe("client");
    expect(failure.reason).toMatch(reason);
  });

  it("treats refused and reset connections as transient network errors", () => {
    expect(classifyS3Error(networkError("ECONNRESET"))).toMatchObject({ transient: true, kind: "network" });
    const refused = classifyS3Error(networkError("ECONNREFUSED"));
    expect(refused).toMatchObject({ transient: true, kind: "network", code: "ECONNREFUSED" });
    expect(refused.reason).toMatch(/unreachable \(connection refused\)/);
  });

  it("finds a network code inside an AggregateError (Node tries IPv4 and IPv6)", () => {
    const error = new AggregateError([networkError("ECONNREFUSED"), networkError("ECONNREFUSED")], "connect failed");
    expect(classifyS3Error(error)).toMatchObject({ transient: true, code: "ECONNREFUSED" });
  });

  it("treats SDK timeouts as transient and aborts as final", () => {
    expect(classifyS3Error(Object.assign(new Error("timed out"), { name: "TimeoutError" })).transient).toBe(true);
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect(classifyS3Error(abort)).toMatchObject({ transient: false, kind: "aborted" });
  });

  it("reads a body-less HeadBucket 404 as a missing bucket and 403 as access denied", () => {
    expect(classifyS3Error(s3ServiceError("NotFound", 404), "bucket")).toMatchObject({
      transient: false,
      code: "NoSuchBucket",
    });
    expect(classifyS3Error(s3ServiceError("Unknown", 403), "bucket").reason).toMatch(/access denied/);
  });

  it("does not retry programming errors", () => {
    expect(classifyS3Error(new TypeError("x is not a function")).transient).toBe(false);
  });
});

describe("s3SinkError", () => {
  const site = {
    component: "sink:s3#archive",
    stage: "write" as const,
    operation: 'PutObject "rec/1-webcam/000001.png"',
    bucket: "frames",
    endpoint: "http://127.0.0.1:7480",
    secrets: ["AKIDEXAMPLE", "wJalrXUtnFEMI"],
  };

  it("names component, operation, bucket and endpoint, and keeps transience for the runtime", () => {
    const error = s3SinkError(s3ServiceError("SlowDown", 503), site);
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      '[framepipe] [sink:s3#archive] PutObject "rec/1-webcam/000001.png" in bucket "frames" at http://127.0.0.1:7480 ' +
        "failed: the store is throttling requests (SlowDown, HTTP 503)",
    );
    expect(error).toMatchObject({ code: "SINK_WRITE_FAILED", stage: "write", component: "sink:s3#archive" });
    expect(isTransientError(error)).toBe(true);
    expect(isTransientError(s3SinkError(s3ServiceError("AccessDenied", 403), site))).toBe(false);
  });

  it("never prints the configured credentials, even when the server echoes them", () => {
    const echoed = s3ServiceError("InvalidArgument", 400, "bad header for AKIDEXAMPLE with wJalrXUtnFEMI");
    const error = s3SinkError(echoed, site);
    expect(error.message).not.toContain("AKIDEXAMPLE");
    expect(error.message).not.toContain("wJalrXUtnFEMI");
    expect(error.message).toContain("[redacted]");
  });

  it("adds the hint given for an error code", () => {
    const error = s3SinkError(s3ServiceError("AccessDenied", 403), { ...site, hints: { AccessDenied: "try this" } });
    expect(error.message).toMatch(/access denied.*; try this$/);
  });
});
