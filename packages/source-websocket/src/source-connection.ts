import {
  type ParseOptions,
  type ParseProblem,
  type ParseResult,
  parseRecallMessage,
  type RecallEvent,
  recallValueLimits,
  type TruncatedField,
} from "@framepipe/core";
import type { Logger } from "@framepipe/core/plugin";
import type { Observer } from "rxjs";
import type { RawData, WebSocket } from "ws";
import type { ConnectionLog } from "./connection-log.js";
import { IdleTimer } from "./idle-timer.js";
import { decodeLegacyFrame, type LegacyStream, parseLegacyHandshake } from "./legacy-binary-protocol.js";
import type { SourceMetrics } from "./source-metrics.js";

/** What a connection needs from its source. */
export interface SourceConnectionSettings {
  readonly id: string;
  readonly socket: WebSocket;
  readonly remoteAddress: string | undefined;
  readonly maxPayload: number;
  /** Largest width × height of a frame; a larger one is refused as `too-many-pixels`. */
  readonly maxPixels: number;
  /** Largest envelope (all but `data.data.buffer`) in bytes; a larger one is refused as `schema`. */
  readonly maxEnvelope: number;
  readonly metrics: SourceMetrics;
  /** The source's logger; the connection binds its id to it. */
  readonly logger: Logger;
  /** The source's `events$` subject: the pipeline's source node subscribed to it. */
  readonly events: Pick<Observer<RecallEvent>, "next">;
  /** Where the close line goes (aggregated under churn). */
  readonly connectionLog: ConnectionLog;
  /** Milliseconds without a message before `onIdle`; 0: never. */
  readonly idleTimeout: number;
  readonly onIdle: (connection: SourceConnection) => void;
  /** A JSON-protocol message named the bot, before its event is passed on. */
  readonly onBotIdentified: (connection: SourceConnection, botId: string) => void;
}

/** ws's error code for a message over `maxPayload` (it then closes the connection with 1009). */
const tooLargeErrorCode = "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
const openingBrace = 0x7b;

/**
 * One websocket connection from a Recall bot: parses every message into events, counts and logs
 * bad ones without ever closing the connection for them, and tracks liveness for keep-alive.
 */
export class SourceConnection {
  readonly id: string;
  readonly socket: WebSocket;
  /** Settles when the connection has closed, however that happened. */
  readonly closed: Promise<void>;
  /** False after a ping until any data (a pong or a message) arrives. */
  alive = true;
  readonly #settings: SourceConnectionSettings;
  readonly #logger: Logger;
  readonly #openedAt = Date.now();
  readonly #loggedProblems = new Set<string>();
  readonly #loggedTruncations = new Set<TruncatedField>();
  #botId: string | null = null;
  #legacy: { botId: string; recordingStartMs: number | null } | null = null;
  #messages = 0;
  readonly #idleTimer: IdleTimer;

  constructor(settings: SourceConnectionSettings) {
    this.id = settings.id;
    this.socket = settings.socket;
    this.#settings = settings;
    this.#logger = settings.logger.child({ connection: settings.id });
    this.#idleTimer = new IdleTimer(
      settings.idleTimeout,
      () => this.socket.isPaused,
      () => settings.onIdle(this),
    );
    this.closed = new Promise((resolve) => {
      this.socket.once("close", (code: number, reason: Buffer) => {
        this.#idleTimer.stop();
        settings.connectionLog.closed({
          connection: this.id,
          botId: this.#botId,
          code,
          reason: reason.toString("utf8").slice(0, 120),
          messages: this.#messages,
          seconds: Math.round((Date.now() - this.#openedAt) / 1000),
        });
        resolve();
      });
    });
    this.socket.on("message", (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    this.socket.on("pong", () => {
      this.alive = true;
    });
    this.socket.on("error", (error: Error & { code?: string }) => this.#onError(error));
  }

  /** The bot id, once a message named it. */
  get botId(): string | null {
    return this.#botId;
  }

  /** Reading resumed after a pause: the silence while paused counts neither for keep-alive nor for idleness. */
  markActive(): void {
    this.alive = true;
    this.#idleTimer.touch();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.alive = true;
    this.#idleTimer.touch();
    this.#messages += 1;
    const receivedAt = performance.now();
    const message = toBuffer(data);
    // Text is parsed straight from ws's Buffer (skipUTF8Validation is on: the parser checks UTF-8
    // only where it needs to), so no string of a whole frame message is ever built.
    if (!isBinary) {
      if (this.#legacy === null && message.length < 4096) {
        const handshake = parseLegacyHandshake(message);
        if (handshake !== null) {
          this.#legacy = { botId: handshake.botId, recordingStartMs: null };
          this.#botId = handshake.botId;
          this.#settings.metrics.message("legacy-handshake", message.length);
          this.#logger.info({ botId: handshake.botId }, "legacy binary protocol (real_time_media) connection");
          return;
        }
      }
      this.#settle(parseRecallMessage(message, this.#parseOptions(receivedAt)), message.length);
      return;
    }
    if (this.#legacy !== null) {
      const stream = this.#legacyStream(message);
      this.#settle(decodeLegacyFrame(message, stream, receivedAt, this.#settings.maxPixels), message.length);
      return;
    }
    // Some clients send the JSON envelope in binary frames; anything else is not Recall's.
    if (message[0] === openingBrace) {
      this.#settle(parseRecallMessage(message, this.#parseOptions(receivedAt)), message.length);
      return;
    }
    this.#settle(
      {
        ok: false,
        problem: {
          kind: "unsupported-binary",
          message: "binary message before a legacy protocol handshake",
          bytes: message.length,
        },
      },
      message.length,
    );
  }

  #parseOptions(receivedAt: number): ParseOptions {
    const { maxPayload, maxPixels, maxEnvelope } = this.#settings;
    return { maxBytes: maxPayload, maxPixels, maxEnvelopeBytes: maxEnvelope, receivedAt };
  }

  #legacyStream(message: Buffer): LegacyStream {
    const legacy = this.#legacy as { botId: string; recordingStartMs: number | null };
    if (legacy.recordingStartMs === null && message.length >= 8) {
      // The protocol has no absolute time: relative 0 is estimated once, from the first frame.
      legacy.recordingStartMs = Date.now() - message.readUInt32LE(4);
    }
    return { botId: legacy.botId, recordingStartMs: legacy.recordingStartMs ?? Date.now() };
  }

  #settle(result: ParseResult, bytes: number): void {
    if (!result.ok) {
      this.#problem(result.problem);
      return;
    }
    const event = result.event;
    if (this.#botId === null) {
      const bot =
        event.kind === "video-frame" ? event.frame.bot : event.kind === "unknown" ? event.context?.bot : event.bot;
      if (bot) {
        this.#botId = bot.id;
        this.#settings.onBotIdentified(this, bot.id);
      }
    }
    this.#settings.metrics.message("event", bytes);
    if (result.truncated) this.#truncated(result.truncated);
    this.#settings.events.next(event);
  }

  /** Counts each shortened or dropped value; logs the first of each field on this connection only. */
  #truncated(fields: readonly TruncatedField[]): void {
    for (const field of fields) {
      this.#settings.metrics.truncated(field);
      if (this.#loggedTruncations.has(field)) continue;
      this.#loggedTruncations.add(field);
      this.#logger.warn(
        { botId: this.#botId, field, limits: recallValueLimits },
        `over-long ${field} shortened (or dropped) to stay within framepipe's limits; further ones on this connection are only counted`,
      );
    }
  }

  #problem(problem: ParseProblem): void {
    this.#settings.metrics.message(problem.kind, problem.bytes);
    if (this.#loggedProblems.has(problem.kind)) return;
    this.#loggedProblems.add(problem.kind);
    this.#logger.warn(
      {
        botId: this.#botId,
        kind: problem.kind,
        problem: problem.message,
        ...(problem.event === undefined ? {} : { event: problem.event }),
        ...(problem.path === undefined ? {} : { path: problem.path }),
        bytes: problem.bytes,
      },
      `bad message dropped (${problem.kind}); further ${problem.kind} problems on this connection are only counted`,
    );
  }

  #onError(error: Error & { code?: string }): void {
    // ws has already closed the connection (1009 for a too-large message, 1002 for a protocol error).
    if (error.code === tooLargeErrorCode) {
      this.#problem({
        kind: "too-large",
        message: `message over the maximum of ${this.#settings.maxPayload} bytes; connection closed with 1009`,
        bytes: 0,
      });
      return;
    }
    const kind = "protocol-error";
    this.#settings.metrics.message(kind, 0);
    if (this.#loggedProblems.has(kind)) return;
    this.#loggedProblems.add(kind);
    this.#logger.warn({ botId: this.#botId, code: error.code, problem: error.message }, "websocket protocol error");
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
