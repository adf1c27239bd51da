import type { Socket } from "node:net";

/** Why a socket was dropped before its upgrade request was complete. */
export type PendingHandshakeRefusal = "headers-timeout" | "too-many-pending-handshakes";

/** What {@link PendingHandshakes} enforces. */
export interface PendingHandshakesSettings {
  /** Most sockets waiting for their request headers at once. */
  readonly maxPending: number;
  /** How long a socket may take, from connecting, to send complete request headers. */
  readonly headersTimeoutMs: number;
  /** Answers and closes a socket that is dropped; counting and logging are the caller's. */
  readonly refuse: (socket: Socket, reason: PendingHandshakeRefusal) => void;
}

/**
 * The TCP connections of the source's own HTTP server that have not yet sent complete request
 * headers. Node's own `headersTimeout` is 60 s and only checked every 30 s, so 20,000 slowloris
 * sockets could sit for up to 90 s each; here each has `headersTimeoutMs` from the moment it
 * connects, and at most `maxPending` wait at once. When that cap is reached, the socket that has
 * waited longest is dropped to make room: refusing the newcomer instead would let whoever holds
 * the oldest sockets lock every bot out, while a real client sends its headers within one round
 * trip and is gone from this set long before a flood can push it out.
 */
export class PendingHandshakes {
  readonly #settings: PendingHandshakesSettings;
  // A Map keeps insertion order, so the first key is the socket that has waited longest.
  readonly #timers = new Map<Socket, NodeJS.Timeout>();

  constructor(settings: PendingHandshakesSettings) {
    this.#settings = settings;
  }

  /** Sockets waiting for their request headers now. */
  get size(): number {
    return this.#timers.size;
  }

  /** Starts the clock on a socket that just connected. */
  track(socket: Socket): void {
    if (this.#timers.size >= this.#settings.maxPending) {
      const oldest = this.#timers.keys().next().value;
      if (oldest !== undefined) this.#refuse(oldest, "too-many-pending-handshakes");
    }
    const timer = setTimeout(() => this.#refuse(socket, "headers-timeout"), this.#settings.headersTimeoutMs);
    timer.unref();
    this.#timers.set(socket, timer);
    socket.once("close", () => this.settle(socket));
  }

  /** The socket's request headers arrived (or it closed): it no longer counts as pending. */
  settle(socket: Socket): void {
    const timer = this.#timers.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(socket);
  }

  /** Stops every clock (at stop: the server closes the sockets themselves). */
  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #refuse(socket: Socket, reason: PendingHandshakeRefusal): void {
    this.settle(socket);
    this.#settings.refuse(socket, reason);
  }
}
