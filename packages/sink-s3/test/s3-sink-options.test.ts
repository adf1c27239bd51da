import { redactOptions } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import s3Sink from "../src/s3-sink.js";
import { DEFAULT_KEY_TEMPLATE, normalisePrefix, s3SinkOptions } from "../src/s3-sink-options.js";

function problems(input: unknown): string[] {
  const result = s3SinkOptions.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("s3 sink options", () => {
  it("needs only a bucket and fills the documented defaults", () => {
    expect(s3SinkOptions.parse({ bucket: "frames" })).toEqual({
      bucket: "frames",
      key: DEFAULT_KEY_TEMPLATE,
      region: "us-east-1",
      metadata: {},
      overwrite: false,
      retryFor: 300_000,
      manifest: false,
      healthcheck: true,
    });
  });

  it("declares 16 uploads in flight: the component's concurrency unless the config sets its own", () => {
    expect(s3Sink.concurrency).toBe(16);
    // `concurrency` is the runtime's key beside `inputs`, not an option of the plugin any more.
    expect(problems({ bucket: "b", concurrency: 4 }).join("\n")).toMatch(/concurrency/);
  });

  it("rejects unknown keys, a bad template and a bad endpoint", () => {
    expect(problems({ bucket: "b", buckett: "c" }).join("\n")).toMatch(/buckett/);
    expect(problems({ bucket: "b", key: "{participant.nmae}.png" }).join("\n")).toMatch(/^key: invalid path template/m);
    expect(problems({ bucket: "b", endpoint: "ftp://example" })).toEqual([
      "endpoint: expected an http:// or https:// URL",
    ]);
  });

  it("refuses metadata keys the sink writes itself, and header-unsafe keys", () => {
    expect(problems({ bucket: "b", metadata: { seq: "x" } })).toEqual([
      'metadata.seq: "seq" is written by the sink itself; choose another name',
    ]);
    expect(problems({ bucket: "b", metadata: { "Bad Key": "x" } }).join("\n")).toMatch(/^metadata\.Bad Key:/m);
  });

  it("requires a manifest key that identifies the stream", () => {
    expect(problems({ bucket: "b", manifest: true, manifestKey: "{recording.id}/manifest.ndjson" })).toEqual([
      "manifestKey: a manifest key must identify its stream; add {participant.id}, {type}",
    ]);
    expect(problems({ bucket: "b", manifestKey: "{recording.id}/{participant.id}/{type}.ndjson" })).toEqual([]);
  });

  it("accepts sseKmsKeyId only with KMS encryption", () => {
    expect(problems({ bucket: "b", sseKmsKeyId: "key-1" })).toHaveLength(1);
    expect(problems({ bucket: "b", serverSideEncryption: "aws:kms", sseKmsKeyId: "key-1" })).toEqual([]);
  });

  it("marks credentials secret, so framepipe redacts them wherever it prints options", () => {
    const options = s3SinkOptions.parse({
      bucket: "frames",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI", sessionToken: "token-1" },
    });
    const printed = JSON.stringify(redactOptions(s3Sink, options));
    expect(printed).toContain('"bucket":"frames"');
    for (const secret of ["AKIDEXAMPLE", "wJalrXUtnFEMI", "token-1"]) expect(printed).not.toContain(secret);
  });

  it("normalises the prefix to end with one slash", () => {
    expect(normalisePrefix(undefined)).toBe("");
    expect(normalisePrefix("archive")).toBe("archive/");
    expect(normalisePrefix("/archive//2026/")).toBe("archive/2026/");
    expect(problems({ bucket: "b", prefix: "a/../b" })).toEqual([
      'prefix: a prefix must not contain "." or ".." segments',
    ]);
  });
});
