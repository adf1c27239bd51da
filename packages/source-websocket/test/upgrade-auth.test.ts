import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SignatureReplayCache } from "../src/signature-replay-cache.js";
import { authenticateUpgrade, computeSignature, tokenOf, tokensMatch, verifySignature } from "../src/upgrade-auth.js";

// Svix's published test vector (svix-webhooks, test_signature.py).
const svixSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const svixId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const svixTimestamp = "1614265330";
const svixPayload = '{"test": 2432232314}';
const svixSignature = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const secret = "whsec_dGVzdC1zZWNyZXQtZm9yLWZyYW1lcGlwZQ==";
const nowMs = 1_700_000_000_000;

function signed(options: { prefix?: string; timestamp?: number; key?: string; signature?: string } = {}) {
  const prefix = options.prefix ?? "webhook";
  const timestamp = String(options.timestamp ?? nowMs / 1000);
  const signature = options.signature ?? `v1,${computeSignature(options.key ?? secret, "msg_1", timestamp)}`;
  return {
    [`${prefix}-id`]: "msg_1",
    [`${prefix}-timestamp`]: timestamp,
    [`${prefix}-signature`]: signature,
  };
}

describe("computeSignature", () => {
  it("matches Svix's published test vector", () => {
    expect(computeSignature(svixSecret, svixId, svixTimestamp, svixPayload)).toBe(svixSignature);
  });

  it("signs the upgrade with an empty payload", () => {
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update("msg_1.1700000000.").digest("base64");
    expect(computeSignature(secret, "msg_1", "1700000000")).toBe(expected);
  });
});

describe("verifySignature", () => {
  const tolerance = 5 * 60_000;

  it("accepts webhook-* and svix-* headers", () => {
    expect(verifySignature(signed(), secret, tolerance, nowMs)).toBe("valid");
    expect(verifySignature(signed({ prefix: "svix" }), secret, tolerance, nowMs)).toBe("valid");
  });

  it("accepts when any of several space-separated v1 entries matches", () => {
    const good = signed()["webhook-signature"] as string;
    const headers = { ...signed(), "webhook-signature": `v1,bm90IGl0 v2,whatever ${good}` };
    expect(verifySignature(headers, secret, tolerance, nowMs)).toBe("valid");
  });

  it("refuses a signature made with another secret, or of another scheme", () => {
    expect(verifySignature(signed({ key: "whsec_b3RoZXItc2VjcmV0LXZhbHVlISE=" }), secret, tolerance, nowMs)).toBe(
      "invalid",
    );
    const v2 = `v2,${computeSignature(secret, "msg_1", String(nowMs / 1000))}`;
    expect(verifySignature(signed({ signature: v2 }), secret, tolerance, nowMs)).toBe("invalid");
  });

  it("refuses timestamps outside the tolerance, in both directions", () => {
    expect(verifySignature(signed({ timestamp: nowMs / 1000 - 301 }), secret, tolerance, nowMs)).toBe("expired");
    expect(verifySignature(signed({ timestamp: nowMs / 1000 + 301 }), secret, tolerance, nowMs)).toBe("expired");
    expect(verifySignature(signed({ timestamp: nowMs / 1000 - 299 }), secret, tolerance, nowMs)).toBe("valid");
  });

  it("allows less skew into the future than age into the past when asked", () => {
    const future = 30_000;
    expect(verifySignature(signed({ timestamp: nowMs / 1000 + 31 }), secret, tolerance, nowMs, future)).toBe("expired");
    expect(verifySignature(signed({ timestamp: nowMs / 1000 + 29 }), secret, tolerance, nowMs, future)).toBe("valid");
    expect(verifySignature(signed({ timestamp: nowMs / 1000 - 299 }), secret, tolerance, nowMs, future)).toBe("valid");
  });

  it("tells missing headers from incomplete or malformed ones", () => {
    expect(verifySignature({}, secret, tolerance, nowMs)).toBe("missing");
    expect(verifySignature({ "webhook-id": "msg_1" }, secret, tolerance, nowMs)).toBe("invalid");
    expect(verifySignature({ ...signed(), "webhook-timestamp": "soon" }, secret, tolerance, nowMs)).toBe("invalid");
  });
});

describe("tokens", () => {
  it("reads ?token= from the request URL", () => {
    expect(tokenOf("/recall/?token=abc%2Bdef&x=1")).toBe("abc+def");
    expect(tokenOf("/recall/")).toBeNull();
    expect(tokenOf("/recall/?other=1")).toBeNull();
  });

  it("compares tokens of any length without throwing", () => {
    expect(tokensMatch("secret-token", "secret-token")).toBe(true);
    expect(tokensMatch("secret-token-longer", "secret-token")).toBe(false);
    expect(tokensMatch("", "secret-token")).toBe(false);
  });
});

describe("authenticateUpgrade", () => {
  const base = { signatureToleranceMs: 300_000, allowUnauthenticated: false };

  it("passes with either configured method", () => {
    const settings = { ...base, token: "right-token", secret };
    expect(authenticateUpgrade({ url: "/?token=right-token", headers: {} }, settings, nowMs)).toEqual({
      ok: true,
      method: "token",
    });
    expect(authenticateUpgrade({ url: "/?token=wrong", headers: signed() }, settings, nowMs)).toEqual({
      ok: true,
      method: "signature",
    });
  });

  it("names the reason of a refusal", () => {
    const tokenOnly = { ...base, token: "right-token" };
    expect(authenticateUpgrade({ url: "/", headers: {} }, tokenOnly, nowMs)).toEqual({
      ok: false,
      reason: "missing-credentials",
    });
    expect(authenticateUpgrade({ url: "/?token=nope", headers: {} }, tokenOnly, nowMs)).toEqual({
      ok: false,
      reason: "bad-token",
    });
    const secretOnly = { ...base, secret };
    expect(authenticateUpgrade({ url: "/", headers: signed({ timestamp: 1 }) }, secretOnly, nowMs)).toEqual({
      ok: false,
      reason: "expired-signature",
    });
    expect(authenticateUpgrade({ url: "/", headers: signed({ signature: "v1,AAAA" }) }, secretOnly, nowMs)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("refuses a signed upgrade seen before as replayed-signature, with the replay cache", () => {
    const settings = { ...base, secret, signatureFutureToleranceMs: 30_000, replayCache: new SignatureReplayCache() };
    const request = { url: "/", headers: signed() };
    expect(authenticateUpgrade(request, settings, nowMs)).toEqual({ ok: true, method: "signature" });
    expect(authenticateUpgrade(request, settings, nowMs + 1000)).toEqual({ ok: false, reason: "replayed-signature" });
    expect(
      authenticateUpgrade({ url: "/", headers: signed({ timestamp: nowMs / 1000 + 120 }) }, settings, nowMs),
    ).toEqual({ ok: false, reason: "expired-signature" });
    // Once past the window it is refused as expired, never accepted again.
    expect(authenticateUpgrade(request, settings, nowMs + 301_000)).toEqual({ ok: false, reason: "expired-signature" });
  });

  it("accepts everything only when explicitly unauthenticated", () => {
    expect(authenticateUpgrade({ url: "/", headers: {} }, { ...base, allowUnauthenticated: true }, nowMs)).toEqual({
      ok: true,
      method: "none",
    });
    expect(authenticateUpgrade({ url: "/", headers: {} }, base, nowMs)).toEqual({
      ok: false,
      reason: "missing-credentials",
    });
  });
});
