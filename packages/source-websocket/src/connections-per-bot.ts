/**
 * How many connections each bot holds, for `maxConnectionsPerBot`. Recall opens one connection
 * per bot and realtime endpoint, so a handful covers several endpoints plus a reconnect that
 * overlaps a half-open predecessor; more is a runaway client. The bot is named only inside the
 * messages (no header or query parameter of Recall's upgrade request carries it), so a connection
 * is counted from its first message that names the bot.
 */
export class ConnectionsPerBot {
  readonly #limit: number;
  readonly #counts = new Map<string, number>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Counts one more connection for `botId`; false (and nothing counted) when the bot already
   * holds the limit.
   */
  admit(botId: string): boolean {
    const count = this.#counts.get(botId) ?? 0;
    if (count >= this.#limit) return false;
    this.#counts.set(botId, count + 1);
    return true;
  }

  /** An admitted connection of `botId` closed. */
  release(botId: string): void {
    const count = this.#counts.get(botId) ?? 0;
    if (count <= 1) this.#counts.delete(botId);
    else this.#counts.set(botId, count - 1);
  }

  /** Connections `botId` holds now. */
  countOf(botId: string): number {
    return this.#counts.get(botId) ?? 0;
  }
}
