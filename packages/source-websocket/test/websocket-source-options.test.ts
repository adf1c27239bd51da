import { redactOptions } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { websocketSource, websocketSourceOptionsSchema } from "../src/index.js";

const secret = "whsec_dGVzdC1zZWNyZXQtZm9yLWZyYW1lcGlwZQ==";

function messagesOf(options: unknown): string[] {
  const result = websocketSourceOptionsSchema.safeParse(options);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("websocket source options", () => {
  it("fills safe defaults and normalises sizes and durations", () => {
    const options = websocketSourceOptionsSchema.parse({ token: "a-long-token" });
    expect(options).toEqual({
      host: "127.0.0.1",
      port: 8080,
      path: "/",
      token: "a-long-token",
      signatureTolerance: 300_000,
      signatureFutureTolerance: 30_000,
      allowUnauthenticated: false,
      maxPayload: 16 * 1024 * 1024,
      maxReceivingBytes: 256 * 1024 * 1024,
      maxEnvelope: 256 * 1024,
      maxPixels: 4096 * 2304,
      maxConnections: 1024,
      maxConnectionsPerBot: 4,
      idleTimeout: 300_000,
      headersTimeout: 10_000,
      maxPendingHandshakes: 256,
      pingInterval: 30_000,
      perMessageDeflate: false,
    });
    const custom = websocketSourceOptionsSchema.parse({
      secret,
      maxPayload: "32MiB",
      maxReceivingBytes: "64MiB",
      maxEnvelope: "1MiB",
      pingInterval: "0",
      signatureTolerance: "90s",
      signatureFutureTolerance: 0,
      idleTimeout: "0",
      headersTimeout: "2s",
    });
    expect(custom).toMatchObject({
      maxPayload: 32 * 1024 * 1024,
      maxReceivingBytes: 64 * 1024 * 1024,
      maxEnvelope: 1024 * 1024,
      pingInterval: 0,
      signatureTolerance: 90_000,
      signatureFutureTolerance: 0,
      idleTimeout: 0,
      headersTimeout: 2000,
    });
  });

  it("refuses a config without authentication unless allowUnauthenticated is set", () => {
    expect(messagesOf({})).toEqual([
      ": needs token or secret, since Recall's realtime endpoint should authenticate; set allowUnauthenticated: true to accept connections without credentials (development only)",
    ]);
    expect(messagesOf({ allowUnauthenticated: true })).toEqual([]);
  });

  it("validates the secret's format and the other values without echoing secrets", () => {
    const problems = messagesOf({
      secret: "not-a-whsec-secret-value",
      token: "short",
      maxPayload: "huge",
      path: "recall",
      port: 70000,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        "secret: expected a Recall verification secret: whsec_ followed by base64",
        "token: expected a token of at least 8 characters",
        expect.stringMatching(/^maxPayload: expected a positive size such as 64KiB, 256MiB or 1GB .*, got "huge"$/),
        'path: expected a path starting with "/", such as /recall/',
      ]),
    );
    expect(problems.join("\n")).not.toContain("not-a-whsec-secret-value");
    expect(problems.join("\n")).not.toContain('short"');
  });

  it("rejects unknown keys", () => {
    expect(messagesOf({ token: "a-long-token", tokn: "x" })[0]).toMatch(/Unrecognized key/);
  });

  it("marks token and secret as secrets, so they are redacted when printed", () => {
    expect(redactOptions(websocketSource, { token: "a-long-token", secret, port: 1 })).toEqual({
      token: "[redacted]",
      secret: "[redacted]",
      port: 1,
    });
  });
});
