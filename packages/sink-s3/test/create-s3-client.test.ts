import { createServer } from "node:net";
import { FramepipeError } from "@framepipe/core";
import { createTestContext, createTestFrame } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { s3ClientConfig } from "../src/create-s3-client.js";
import s3Sink from "../src/s3-sink.js";

/** A 127.0.0.1 port nothing listens on (taken, then released), so requests fail fast. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("the sink's own S3 client", () => {
  it("gets a copy of the credentials, never the options' own object", () => {
    const options = s3Sink.options.parse({
      bucket: "frames",
      credentials: { accessKeyId: "id", secretAccessKey: "secret", sessionToken: "token" },
    });
    const config = s3ClientConfig(options);
    expect(config.credentials).toEqual(options.credentials);
    expect(config.credentials).not.toBe(options.credentials);
  });

  it("leaves the options given to create untouched after the SDK has signed requests with them", async () => {
    const input = {
      bucket: "frames",
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      credentials: { accessKeyId: "id", secretAccessKey: "secret" },
      healthcheck: false,
    };
    const options = s3Sink.options.parse(input);
    const before = structuredClone(options);
    const sink = await s3Sink.create(
      options,
      createTestContext<typeof s3Sink.deps>({ type: "s3", componentId: "own" }),
    );
    try {
      // The request is signed (the SDK resolves, and marks, the credentials), then refused.
      const error = await Promise.resolve(sink.write(createTestFrame())).then(
        () => null,
        (reason: unknown) => reason,
      );
      expect(FramepipeError.isInstance(error)).toBe(true);
    } finally {
      await sink.close?.();
    }
    expect(options).toEqual(before);
    expect(Object.keys(options.credentials ?? {})).toEqual(["accessKeyId", "secretAccessKey"]);
    expect(Object.keys(input.credentials)).toEqual(["accessKeyId", "secretAccessKey"]);
    // The strict schema still accepts the same object, e.g. when a pipeline is created again.
    expect(s3Sink.options.parse(options)).toEqual(before);
  });
});
