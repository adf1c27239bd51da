import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { SignatureReplayCache } from "./signature-replay-cache.js";

/** Why a handshake was refused; each is counted and logged under this name. */
export type RejectionReason =
  | "missing-credentials"
  | "bad-token"
  | "bad-signature"
  | "expired-signature"
  | "replayed-signature"
  | "too-many-connections"
  | "too-many-pending-handshakes"
  | "headers-timeout"
  | "wrong-path"
  | "shutting-down";

/** The outcome of checking an upgrade request's credentials. */
export type AuthenticationResult =
  | { readonly ok: true; readonly method: "token" | "signature" | "none" }
  | { readonly ok: false; readonly reason: RejectionReason };

/** What {@link authenticateUpgrade} checks against. */
export interface AuthenticationSettings {
  /** Expected `?token=`; undefined when token auth is off. */
  readonly token?: string | undefined;
  /** `whsec_…` verification secret; undefined when signature auth is off. */
  readonly secret?: string | undefined;
  /** How old a `webhook-timestamp` may be, in milliseconds. */
  readonly signatureToleranceMs: number;
  /** How far ahead of now a `webhook-timestamp` may be, in milliseconds. Default `signatureToleranceMs`. */
  readonly signatureFutureToleranceMs?: number | undefined;
  /** Seen signed upgrades: a repeat is refused as `replayed-signature`. Without it, repeats pass. */
  readonly replayCache?: SignatureReplayCache | undefined;
  /** With neither token nor secret, accept everything (the options allow it only on request). */
  readonly allowUnauthenticated: boolean;
}

/** The signature headers of one request (`webhook-*` or the older `svix-*`). */
interface SignatureHeaders {
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function signatureHeadersOf(headers: IncomingHttpHeaders): SignatureHeaders | null {
  for (const prefix of ["webhook", "svix"]) {
    const id = header(headers, `${prefix}-id`);
    const timestamp = header(headers, `${prefix}-timestamp`);
    const signature = header(headers, `${prefix}-signature`);
    if (id !== undefined || timestamp !== undefined || signature !== undefined) return { id, timestamp, signature };
  }
  return null;
}

/** The `token` query parameter of a request URL, or null when there is none. */
export function tokenOf(requestUrl: string | undefined): string | null {
  if (requestUrl === undefined) return null;
  const query = requestUrl.indexOf("?");
  if (query === -1) return null;
  return new URLSearchParams(requestUrl.slice(query + 1)).get("token");
}

/**
 * Constant-time comparison of two strings of any length: both are hashed first, so neither the
 * content nor the length of the expected token leaks through timing.
 */
export function tokensMatch(received: string, expected: string): boolean {
  const left = createHash("sha256").update(received).digest();
  const right = createHash("sha256").update(expected).digest();
  return timingSafeEqual(left, right);
}

/** The HMAC key of a `whsec_…` secret: the base64 after the prefix, decoded. */
export function verificationKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
}

/**
 * Recall's (Svix's) signature: base64(HMAC-SHA256(key, `${id}.${timestamp}.${payload}`)). The
 * websocket upgrade has an empty payload.
 */
export function computeSignature(secret: string, id: string, timestamp: string, payload = ""): string {
  return createHmac("sha256", verificationKey(secret)).update(`${id}.${timestamp}.${payload}`).digest("base64");
}

/** Outcome of {@link verifySignature}. */
export type SignatureCheck = "valid" | "missing" | "invalid" | "expired";

/** A signature check, with what was signed when it is valid. */
interface SignatureVerdict {
  readonly check: SignatureCheck;
  readonly id?: string;
  readonly timestamp?: string;
}

/**
 * Verifies `webhook-id`/`webhook-timestamp`/`webhook-signature` (or `svix-*`): the timestamp must
 * be whole seconds, at most `toleranceMs` before `nowMs` and at most `futureToleranceMs` after it
 * (default: `toleranceMs` both ways), and one of the space-separated `v1,<base64>` entries must
 * equal the expected signature (compared in constant time).
 */
export function verifySignature(
  headers: IncomingHttpHeaders,
  secret: string,
  toleranceMs: number,
  nowMs: number = Date.now(),
  futureToleranceMs: number = toleranceMs,
): SignatureCheck {
  return checkSignature(headers, secret, toleranceMs, futureToleranceMs, nowMs).check;
}

function checkSignature(
  headers: IncomingHttpHeaders,
  secret: string,
  toleranceMs: number,
  futureToleranceMs: number,
  nowMs: number,
): SignatureVerdict {
  const signed = signatureHeadersOf(headers);
  if (signed === null) return { check: "missing" };
  const { id, timestamp, signature } = signed;
  if (!id || !timestamp || !signature || !/^\d{1,15}$/.test(timestamp)) return { check: "invalid" };
  const signedAtMs = Number(timestamp) * 1000;
  // Recall signs just before it connects, so a timestamp from the future only means clock skew:
  // a small allowance for it, rather than the whole past window, keeps a signature from living
  // past its window.
  if (nowMs - signedAtMs > toleranceMs || signedAtMs - nowMs > futureToleranceMs) return { check: "expired" };
  const expected = Buffer.from(computeSignature(secret, id, timestamp), "base64");
  let matched = false;
  for (const entry of signature.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma === -1 || entry.slice(0, comma) !== "v1") continue;
    const candidate = Buffer.from(entry.slice(comma + 1), "base64");
    // Every entry is compared, whether or not an earlier one matched: no early exit to time.
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched ? { check: "valid", id, timestamp } : { check: "invalid" };
}

/**
 * Checks an upgrade request against the configured methods; either one passing is enough. When
 * both fail, the reason names what the request tried: a signature that was expired, replayed or
 * wrong, a wrong token, or nothing at all. A valid signature is remembered in `replayCache` (when
 * given) until its timestamp leaves the window, and the same signed headers are refused after that.
 */
export function authenticateUpgrade(
  request: { readonly url?: string | undefined; readonly headers: IncomingHttpHeaders },
  settings: AuthenticationSettings,
  nowMs: number = Date.now(),
): AuthenticationResult {
  if (settings.token === undefined && settings.secret === undefined) {
    return settings.allowUnauthenticated ? { ok: true, method: "none" } : { ok: false, reason: "missing-credentials" };
  }
  let tokenOutcome: "missing" | "wrong" | null = null;
  if (settings.token !== undefined) {
    const received = tokenOf(request.url);
    if (received !== null && tokensMatch(received, settings.token)) return { ok: true, method: "token" };
    tokenOutcome = received === null ? "missing" : "wrong";
  }
  let signatureOutcome: SignatureCheck | null = null;
  if (settings.secret !== undefined) {
    const pastToleranceMs = settings.signatureToleranceMs;
    const futureToleranceMs = settings.signatureFutureToleranceMs ?? pastToleranceMs;
    const verdict = checkSignature(request.headers, settings.secret, pastToleranceMs, futureToleranceMs, nowMs);
    signatureOutcome = verdict.check;
    if (verdict.check === "valid") {
      const id = verdict.id as string;
      const timestamp = verdict.timestamp as string;
      const expiresAtMs = Number(timestamp) * 1000 + pastToleranceMs;
      if (settings.replayCache?.remember(id, timestamp, expiresAtMs, nowMs) === false) {
        return { ok: false, reason: "replayed-signature" };
      }
      return { ok: true, method: "signature" };
    }
  }
  if (signatureOutcome === "expired") return { ok: false, reason: "expired-signature" };
  if (signatureOutcome === "invalid") return { ok: false, reason: "bad-signature" };
  if (tokenOutcome === "wrong") return { ok: false, reason: "bad-token" };
  return { ok: false, reason: "missing-credentials" };
}
