import type { TruncatedField } from "@framepipe/core";
import type { ComponentMetrics, CounterHandle, GaugeHandle } from "@framepipe/core/plugin";
import type { RejectionReason } from "./upgrade-auth.js";

/**
 * Why the source closed an open connection to enforce a limit: it sent no message for
 * `idleTimeout`, or its bot already held `maxConnectionsPerBot` connections.
 */
export type EvictionReason = "idle-timeout" | "too-many-connections-per-bot" | "receive-budget";

/** What a message turned into: a typed event, the legacy handshake, or a problem kind. */
export type MessageOutcome = "event" | "legacy-handshake" | (string & {});

/** Counters of one websocket source, readable from code through `stats()`. */
export interface WebsocketSourceStats {
  /** Connections open now. */
  readonly connectionsOpen: number;
  /** Connections accepted since start. */
  readonly connectionsAccepted: number;
  /** Handshakes refused, by reason. */
  readonly rejected: Readonly<Partial<Record<RejectionReason, number>>>;
  /** Connections closed because they missed a pong. */
  readonly deadPeers: number;
  /** Open connections the source closed to enforce a limit, by reason. */
  readonly evicted: Readonly<Partial<Record<EvictionReason, number>>>;
  /** Messages by outcome: `event`, `legacy-handshake`, or a parse problem kind (`schema`, `too-large`, …). */
  readonly messages: Readonly<Record<string, number>>;
  /** Bytes of every message received. */
  readonly bytesReceived: number;
  /** Messages accepted with a value shortened or dropped to stay within `recallValueLimits`, by field. */
  readonly truncated: Readonly<Partial<Record<TruncatedField, number>>>;
  /** Whether reading is paused (the runtime asked for backpressure). */
  readonly paused: boolean;
  /** Bytes of messages still arriving, all connections together (bounded by `maxReceivingBytes`). */
  readonly arrivingBytes: number;
}

/**
 * The source's metrics, in Prometheus (through `context.metrics`) and as plain numbers for
 * `stats()`. Series: `framepipe_websocket_connections_open`, `…_connections_accepted_total`,
 * `…_connections_rejected_total{reason}`, `…_connections_evicted_total{reason}`, `…_dead_peers_total`,
 * `…_messages_total{outcome}`, `…_received_bytes_total`, `…_replay_cache_evictions_total`,
 * `…_values_truncated_total{field}`. Every
 * label has a fixed set of values.
 */
export class SourceMetrics {
  readonly #open: GaugeHandle;
  readonly #accepted: CounterHandle;
  readonly #rejected: CounterHandle;
  readonly #deadPeers: CounterHandle;
  readonly #evicted: CounterHandle;
  readonly #replayCacheEvictions: CounterHandle;
  readonly #messages: CounterHandle;
  readonly #bytes: CounterHandle;
  readonly #truncated: CounterHandle;
  readonly #truncatedCounts: Partial<Record<TruncatedField, number>> = {};
  #connectionsOpen = 0;
  #connectionsAccepted = 0;
  #deadPeerCount = 0;
  #bytesReceived = 0;
  readonly #rejectedCounts: Partial<Record<RejectionReason, number>> = {};
  readonly #evictedCounts: Partial<Record<EvictionReason, number>> = {};
  readonly #messageCounts: Record<string, number> = {};

  constructor(metrics: ComponentMetrics) {
    this.#open = metrics.gauge("websocket_connections_open", "Websocket connections open now.");
    this.#accepted = metrics.counter("websocket_connections_accepted_total", "Websocket connections accepted.");
    this.#rejected = metrics.counter(
      "websocket_connections_rejected_total",
      "Websocket handshakes refused, by reason.",
      ["reason"],
    );
    this.#deadPeers = metrics.counter("websocket_dead_peers_total", "Connections closed for missing a pong.");
    this.#evicted = metrics.counter(
      "websocket_connections_evicted_total",
      "Open websocket connections closed to enforce a limit, by reason.",
      ["reason"],
    );
    this.#replayCacheEvictions = metrics.counter(
      "websocket_replay_cache_evictions_total",
      "Signed upgrades forgotten before their window ended because the replay cache was full.",
    );
    this.#messages = metrics.counter("websocket_messages_total", "Websocket messages received, by outcome.", [
      "outcome",
    ]);
    this.#bytes = metrics.counter("websocket_received_bytes_total", "Bytes of websocket messages received.");
    this.#truncated = metrics.counter(
      "websocket_values_truncated_total",
      "Messages accepted with a value shortened or dropped to stay within framepipe's limits, by field.",
      ["field"],
    );
  }

  connectionOpened(): void {
    this.#connectionsOpen += 1;
    this.#connectionsAccepted += 1;
    this.#open.set(this.#connectionsOpen);
    this.#accepted.inc();
  }

  connectionClosed(): void {
    this.#connectionsOpen -= 1;
    this.#open.set(this.#connectionsOpen);
  }

  rejected(reason: RejectionReason): void {
    this.#rejectedCounts[reason] = (this.#rejectedCounts[reason] ?? 0) + 1;
    this.#rejected.inc({ reason });
  }

  evicted(reason: EvictionReason): void {
    this.#evictedCounts[reason] = (this.#evictedCounts[reason] ?? 0) + 1;
    this.#evicted.inc({ reason });
  }

  replayCacheEvictions(count: number): void {
    if (count > 0) this.#replayCacheEvictions.inc(undefined, count);
  }

  deadPeer(): void {
    this.#deadPeerCount += 1;
    this.#deadPeers.inc();
  }

  /** A message was accepted with `field` shortened or dropped (see `TruncatedField`, a fixed set). */
  truncated(field: TruncatedField): void {
    this.#truncatedCounts[field] = (this.#truncatedCounts[field] ?? 0) + 1;
    this.#truncated.inc({ field });
  }

  message(outcome: MessageOutcome, bytes: number): void {
    this.#messageCounts[outcome] = (this.#messageCounts[outcome] ?? 0) + 1;
    this.#messages.inc({ outcome });
    if (bytes > 0) {
      this.#bytesReceived += bytes;
      this.#bytes.inc(undefined, bytes);
    }
  }

  snapshot(paused: boolean): Omit<WebsocketSourceStats, "arrivingBytes"> {
    return {
      connectionsOpen: this.#connectionsOpen,
      connectionsAccepted: this.#connectionsAccepted,
      rejected: { ...this.#rejectedCounts },
      deadPeers: this.#deadPeerCount,
      evicted: { ...this.#evictedCounts },
      messages: { ...this.#messageCounts },
      bytesReceived: this.#bytesReceived,
      truncated: { ...this.#truncatedCounts },
      paused,
    };
  }
}
