import { describe, expect, it } from "vitest";
import { z } from "zod";
import { redactOptions } from "../../src/config/redact-options.js";
import { secret } from "../../src/plugin/secret.js";
import { bucketSink, websocketSource } from "./support/test-plugins.js";

describe("redactOptions", () => {
  it("replaces secret values and leaves the rest", () => {
    const options = { port: 8080, path: "/", token: "abcdefgh" };
    expect(redactOptions(websocketSource, options)).toEqual({ port: 8080, path: "/", token: "[redacted]" });
    expect(options.token).toBe("abcdefgh");
  });

  it("redacts whole secret objects and keeps unset secrets unset", () => {
    expect(redactOptions(bucketSink, { bucket: "b", credentials: { accessKeyId: "A", secretAccessKey: "S" } })).toEqual(
      { bucket: "b", credentials: "[redacted]" },
    );
    expect(redactOptions(websocketSource, { port: 1 })).toEqual({ port: 1 });
  });

  it("finds secrets inside nested objects and lists, through optional and default wrappers", () => {
    const definition = {
      options: z.strictObject({
        upstreams: z.array(z.strictObject({ url: z.string(), password: secret(z.string()).optional() })),
        auth: z.strictObject({ user: z.string(), key: secret(z.string().min(2)).default("zz") }).optional(),
      }),
    };
    expect(
      redactOptions(definition, {
        upstreams: [{ url: "a", password: "p1" }, { url: "b" }],
        auth: { user: "u", key: "k" },
      }),
    ).toEqual({
      upstreams: [{ url: "a", password: "[redacted]" }, { url: "b" }],
      auth: { user: "u", key: "[redacted]" },
    });
  });
});
