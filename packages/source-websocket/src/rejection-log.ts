import type { Logger } from "@framepipe/core/plugin";
import type { RejectionReason } from "./upgrade-auth.js";

/** Once logged, the same reason from the same address is logged again after this long at the earliest. */
export const rejectionLogIntervalMs = 60_000;
const maximumTrackedKeys = 1024;

interface Entry {
  lastLoggedAt: number;
  suppressed: number;
}

/**
 * Logs refused handshakes once per (reason, remote address), then at most once a minute with the
 * number suppressed meanwhile. A misconfigured bot retries 30 times and a scanner many more: the
 * log must stay readable. Only the path is logged, never the query (it holds the token).
 */
export class RejectionLog {
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(logger: Logger, now: () => number = Date.now) {
    this.#logger = logger;
    this.#now = now;
  }

  record(reason: RejectionReason, status: number, remoteAddress: string | undefined, path: string): void {
    const address = remoteAddress ?? "unknown";
    const key = `${reason}\u0000${address}`;
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry && now - entry.lastLoggedAt < rejectionLogIntervalMs) {
      entry.suppressed += 1;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.#entries.delete(key);
    this.#entries.set(key, { lastLoggedAt: now, suppressed: 0 });
    if (this.#entries.size > maximumTrackedKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#logger.warn(
      { reason, status, remoteAddress: address, path: path.slice(0, 200), ...(suppressed > 0 ? { suppressed } : {}) },
      `websocket handshake rejected: ${reason}`,
    );
  }
}
