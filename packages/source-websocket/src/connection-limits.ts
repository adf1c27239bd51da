import type { Logger } from "@framepipe/core/plugin";
import { ConnectionsPerBot } from "./connections-per-bot.js";
import type { SourceConnection } from "./source-connection.js";
import type { SourceMetrics } from "./source-metrics.js";

/**
 * Close code of an idle connection: 1001 "going away", as proxies and gateways (AWS API Gateway,
 * for one) close idle websockets, and a code every client, Recall included, treats as "reconnect
 * later" rather than as an error in what it sent.
 */
export const idleCloseCode = 1001;
/** Close code of a connection over `maxConnectionsPerBot`: 1013 "try again later". */
export const botLimitCloseCode = 1013;
const maximumWarnedBots = 1024;

/** What {@link ConnectionLimits} enforces and reports through. */
export interface ConnectionLimitsSettings {
  readonly maxConnectionsPerBot: number;
  readonly metrics: SourceMetrics;
  readonly logger: Logger;
}

/**
 * The limits on connections already open: `idleTimeout` (the connection calls {@link onIdle})
 * and `maxConnectionsPerBot` (checked by {@link onBotIdentified} when a message first names the
 * bot). Each closing is counted under `framepipe_websocket_connections_evicted_total{reason}`.
 */
export class ConnectionLimits {
  readonly #perBot: ConnectionsPerBot;
  readonly #metrics: SourceMetrics;
  readonly #logger: Logger;
  readonly #warnedBots = new Set<string>();

  constructor(settings: ConnectionLimitsSettings) {
    this.#perBot = new ConnectionsPerBot(settings.maxConnectionsPerBot);
    this.#metrics = settings.metrics;
    this.#logger = settings.logger;
  }

  /** The connection sent no message for `idleTimeout`: closed, and Recall reconnects if it still has something to send. */
  readonly onIdle = (connection: SourceConnection): void => {
    this.#metrics.evicted("idle-timeout");
    connection.socket.close(idleCloseCode, "idle timeout");
  };

  /**
   * A message named the connection's bot. Past the limit, the newest connection is the one
   * closed: the bot's established streams keep flowing, and a connection a reconnect left
   * half-open is found by keep-alive and frees its place.
   */
  readonly onBotIdentified = (connection: SourceConnection, botId: string): void => {
    if (this.#perBot.admit(botId)) {
      connection.closed.then(
        () => this.#perBot.release(botId),
        () => this.#perBot.release(botId),
      );
      return;
    }
    this.#metrics.evicted("too-many-connections-per-bot");
    this.#warnOnce(connection, botId);
    connection.socket.close(botLimitCloseCode, "too many connections for this bot");
  };

  #warnOnce(connection: SourceConnection, botId: string): void {
    if (this.#warnedBots.has(botId)) return;
    // Bounded: bot ids come from messages, so a flood of made-up ones must not grow this forever.
    if (this.#warnedBots.size >= maximumWarnedBots) this.#warnedBots.clear();
    this.#warnedBots.add(botId);
    this.#logger.warn(
      { connection: connection.id, botId, open: this.#perBot.countOf(botId) },
      `connection closed (${botLimitCloseCode}): its bot already holds maxConnectionsPerBot connections; ` +
        "further ones of this bot are only counted",
    );
  }
}
