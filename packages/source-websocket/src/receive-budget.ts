import type { Socket } from "node:net";
import type { Logger } from "@framepipe/core/plugin";
import type { SourceConnection } from "./source-connection.js";
import type { SourceMetrics } from "./source-metrics.js";

/** Default `maxReceivingBytes`: 256 MiB, the runtime's default budget for accepted frames. */
export const defaultMaxReceivingBytes = 256 * 1024 * 1024;

/** What {@link ReceiveBudget} enforces and reports through. */
export interface ReceiveBudgetSettings {
  readonly maxReceivingBytes: number;
  readonly metrics: SourceMetrics;
  readonly logger: Logger;
}

/**
 * Bounds the memory of messages still arriving, all connections together. ws buffers a message
 * until its last byte is in, up to `maxPayload` per connection, outside the runtime's
 * `maxInFlightBytes`: 1024 connections each holding most of a 16 MiB message would be 16 GiB.
 * Each connection's bytes read since its last complete message are counted from the socket
 * (before ws sees them); when the total passes `maxReceivingBytes`, the connection with the most
 * bytes arriving is terminated, which frees them at once. A Recall bot sends one message of at
 * most a few MiB at a time and reconnects after a drop, so the one cut is the hoarder.
 *
 * The count is slightly low, never high: the part of a socket chunk that begins the next message
 * is forgotten when the previous one completes (at most one chunk, 64 KiB, per connection).
 */
export class ReceiveBudget {
  readonly #limit: number;
  readonly #metrics: SourceMetrics;
  readonly #logger: Logger;
  readonly #arriving = new Map<SourceConnection, number>();
  #total = 0;
  #warned = false;

  constructor(settings: ReceiveBudgetSettings) {
    this.#limit = settings.maxReceivingBytes;
    this.#metrics = settings.metrics;
    this.#logger = settings.logger;
  }

  /** Bytes of messages arriving now, all connections together. */
  get arrivingBytes(): number {
    return this.#total;
  }

  /** Counts `connection`'s incoming bytes from its raw socket until it closes. */
  track(connection: SourceConnection, socket: Socket): void {
    this.#arriving.set(connection, 0);
    // Prepended, so the chunk is counted before ws parses it and emits the message it completes.
    const onData = (chunk: Buffer): void => this.#received(connection, chunk.length);
    socket.prependListener("data", onData);
    connection.socket.on("message", () => this.#settle(connection));
    connection.closed.then(
      () => {
        socket.off("data", onData);
        this.#forget(connection);
      },
      () => this.#forget(connection),
    );
  }

  #received(connection: SourceConnection, bytes: number): void {
    const arriving = this.#arriving.get(connection);
    if (arriving === undefined) return;
    this.#arriving.set(connection, arriving + bytes);
    this.#total += bytes;
    while (this.#total > this.#limit) {
      const hoarder = this.#largest();
      if (hoarder === undefined) return;
      this.#cut(hoarder);
    }
  }

  #settle(connection: SourceConnection): void {
    const arriving = this.#arriving.get(connection);
    if (arriving === undefined) return;
    this.#total -= arriving;
    this.#arriving.set(connection, 0);
  }

  #forget(connection: SourceConnection): void {
    this.#settle(connection);
    this.#arriving.delete(connection);
  }

  #largest(): SourceConnection | undefined {
    let largest: SourceConnection | undefined;
    let largestBytes = 0;
    for (const [connection, bytes] of this.#arriving) {
      if (bytes > largestBytes) {
        largest = connection;
        largestBytes = bytes;
      }
    }
    return largest;
  }

  #cut(connection: SourceConnection): void {
    const bytes = this.#arriving.get(connection) ?? 0;
    this.#forget(connection);
    this.#metrics.evicted("receive-budget");
    if (!this.#warned) {
      this.#warned = true;
      this.#logger.warn(
        { connection: connection.id, botId: connection.botId, arrivingBytes: bytes, limit: this.#limit },
        "connection terminated: messages arriving on all connections passed maxReceivingBytes, and it held the " +
          "most; further ones are only counted (framepipe_websocket_connections_evicted_total)",
      );
    }
    // terminate, not close: a closing handshake would keep the buffered bytes until the peer answers.
    connection.socket.terminate();
  }
}
