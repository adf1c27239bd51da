import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isLoopbackHost } from "@framepipe/core/plugin";

/** Name of the cookie the page keeps its access in. */
export const PREVIEW_COOKIE = "framepipe_preview";

/** What {@link PreviewAccess.check} decided for a request. */
export type AccessDecision =
  /** Serve it. `setCookie` is set when the request brought a valid `?token=`. */
  | { readonly allowed: true; readonly setCookie?: string }
  /** 401: a token is required and none valid came with the request. */
  | { readonly allowed: false; readonly status: 401; readonly reason: string }
  /** 403: no token is configured and the request did not come from this machine. */
  | { readonly allowed: false; readonly status: 403; readonly reason: string };

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time comparison of two strings of any length (their SHA-256 digests are compared). */
export function sameSecret(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(digest(given), expectedDigest);
}

function cookieOf(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === PREVIEW_COOKIE) return rest.join("=");
  }
  return undefined;
}

function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1);
  const colon = hostHeader.lastIndexOf(":");
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}

/**
 * Who may see the preview. With a token: requests carrying it (`Authorization: Bearer`, `?token=`,
 * or the cookie a `?token=` sets, whose value is an HMAC of the token, not the token) are
 * compared in constant time; everything else gets 401. Without a token (allowed only on a
 * loopback listener): requests must arrive on a loopback address and name a loopback host, which
 * also stops DNS-rebinding pages in the user's browser from reading the preview.
 */
export class PreviewAccess {
  readonly #tokenDigest: Buffer | null;
  readonly #cookieValue: string | null;
  readonly #cookieDigest: Buffer | null;
  readonly #cookiePath: string;

  constructor(token: string | undefined, cookiePath: string) {
    this.#tokenDigest = token === undefined ? null : digest(token);
    this.#cookieValue =
      token === undefined ? null : createHmac("sha256", token).update("framepipe-preview").digest("base64url");
    this.#cookieDigest = this.#cookieValue === null ? null : digest(this.#cookieValue);
    this.#cookiePath = cookiePath;
  }

  /** True when a token is configured. */
  get protected(): boolean {
    return this.#tokenDigest !== null;
  }

  /** Decides whether `request` (with its parsed `query`) may be served. */
  check(request: IncomingMessage, query: URLSearchParams): AccessDecision {
    if (this.#tokenDigest === null || this.#cookieDigest === null) {
      const local = isLoopbackHost(request.socket.localAddress ?? "");
      const host = hostnameOf(request.headers.host);
      if (!local || (host !== undefined && !isLoopbackHost(host))) {
        return {
          allowed: false,
          status: 403,
          reason: "the preview has no token, so it is served to this machine only",
        };
      }
      return { allowed: true };
    }
    const authorization = request.headers.authorization;
    if (authorization?.startsWith("Bearer ") && sameSecret(authorization.slice(7).trim(), this.#tokenDigest)) {
      return { allowed: true };
    }
    const queryToken = query.get("token");
    if (queryToken !== null && sameSecret(queryToken, this.#tokenDigest)) {
      return { allowed: true, setCookie: this.#setCookie() };
    }
    const cookie = cookieOf(request);
    if (cookie !== undefined && sameSecret(cookie, this.#cookieDigest)) return { allowed: true };
    return {
      allowed: false,
      status: 401,
      reason: "this preview needs its token: open it as ?token=… or send Authorization: Bearer …",
    };
  }

  #setCookie(): string {
    return `${PREVIEW_COOKIE}=${this.#cookieValue}; Path=${this.#cookiePath}; HttpOnly; SameSite=Strict`;
  }
}
