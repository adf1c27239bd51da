import { createHmac, randomUUID } from "node:crypto";

/** Which header family carries the signature: `webhook-*` (current) or `svix-*` (older accounts). */
export type SignatureHeaderStyle = "webhook" | "svix";

/** Options of {@link signUpgradeHeaders}. */
export interface SignUpgradeOptions {
  /** `whsec_…` workspace verification secret. */
  readonly secret: string;
  /** Default `webhook`. */
  readonly style?: SignatureHeaderStyle;
  /** Seconds added to the current time in `…-timestamp` (negative for an old, expired signature). Default 0. */
  readonly timestampOffsetSeconds?: number;
  /** Default `Date.now()`. */
  readonly nowMs?: number;
  /** Default a fresh `msg_…` id. */
  readonly id?: string;
  /** Signed payload; the websocket upgrade has none. Default "". */
  readonly payload?: string;
}

/**
 * The signature headers Recall puts on its websocket upgrade request: `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature` = `v1,` + base64(HMAC-SHA256(key =
 * base64-decode(secret without `whsec_`), `${id}.${timestamp}.`)): the upgrade has an empty payload.
 */
export function signUpgradeHeaders(options: SignUpgradeOptions): Record<string, string> {
  const prefix = options.style ?? "webhook";
  const id = options.id ?? `msg_${randomUUID().replaceAll("-", "")}`;
  const seconds = Math.floor((options.nowMs ?? Date.now()) / 1000) + (options.timestampOffsetSeconds ?? 0);
  const timestamp = String(seconds);
  const key = Buffer.from(options.secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key)
    .update(`${id}.${timestamp}.${options.payload ?? ""}`)
    .digest("base64");
  return {
    [`${prefix}-id`]: id,
    [`${prefix}-timestamp`]: timestamp,
    [`${prefix}-signature`]: `v1,${signature}`,
  };
}
