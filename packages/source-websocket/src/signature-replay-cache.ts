import { createHash } from "node:crypto";

/** Most signed upgrades remembered at once (about 10 MB of heap, measured); past it the oldest is forgotten. */
export const maxRememberedSignatures = 100_000;

/**
 * The signed upgrades accepted within the signature window, so that the same signed headers are
 * accepted once: a copy captured from a log, a proxy or the network is refused as
 * `replayed-signature` however soon it is sent again.
 *
 * Keyed on (`webhook-id`, `webhook-timestamp`), not on `webhook-id` alone. Recall's documentation
 * does not say whether a reconnect (it retries up to 30 times, 3 s apart) signs afresh or reuses
 * the `webhook-id` the way Svix keeps a message id across delivery attempts; keying on the id alone
 * would refuse every such reconnect for 5 minutes. The timestamp is part of the signed text, so a
 * copy with another timestamp needs the secret to sign it: the pair still identifies one signed
 * upgrade. The raw `webhook-signature` header is left out of the key on purpose, since appending
 * another `v1,…` entry to it would dodge the cache. The remaining risk: if Recall ever resent the
 * exact same signed headers on a reconnect, that reconnect would be refused (and counted) until
 * its timestamp leaves the window.
 *
 * Entries expire when their timestamp leaves the window (they could not pass the timestamp check
 * any more). When {@link maxRememberedSignatures} are held, the oldest is forgotten and counted
 * rather than refusing new upgrades: only the secret's holder can produce valid signatures, and
 * refusing once full would let that volume lock every bot out, whereas forgetting the oldest only
 * reopens a replay window for a signature that old.
 */
export class SignatureReplayCache {
  readonly #capacity: number;
  readonly #onEviction: () => void;
  // Insertion order is arrival order, so expired entries gather at the front.
  readonly #expiries = new Map<string, number>();
  #evictions = 0;

  /** `onEviction` is called each time an entry is forgotten early, to count and report it. */
  constructor(capacity: number = maxRememberedSignatures, onEviction: () => void = () => {}) {
    this.#capacity = capacity;
    this.#onEviction = onEviction;
  }

  /** Entries held now. */
  get size(): number {
    return this.#expiries.size;
  }

  /** Entries forgotten before they expired because the cache was full. */
  get evictions(): number {
    return this.#evictions;
  }

  /**
   * Records a verified signed upgrade until `expiresAtMs`. Returns false when the same
   * (`id`, `timestamp`) was recorded before and has not expired: a replay.
   */
  remember(id: string, timestamp: string, expiresAtMs: number, nowMs: number): boolean {
    this.#dropExpired(nowMs);
    // Hashed so an entry's size does not depend on the header's (ids may be up to ~16 KiB long);
    // timestamps are digits only, so the text cannot be read two ways.
    const key = createHash("sha256").update(`${id}.${timestamp}`).digest("base64");
    const expiry = this.#expiries.get(key);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.#expiries.delete(key);
    if (this.#expiries.size >= this.#capacity) {
      const oldest = this.#expiries.keys().next().value;
      if (oldest !== undefined) this.#expiries.delete(oldest);
      this.#evictions += 1;
      this.#onEviction();
    }
    this.#expiries.set(key, expiresAtMs);
    return true;
  }

  #dropExpired(nowMs: number): void {
    for (const [key, expiry] of this.#expiries) {
      if (expiry > nowMs) return;
      this.#expiries.delete(key);
    }
  }
}
