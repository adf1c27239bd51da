import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type ParseResult, parseRecallMessage } from "@framepipe/core";
import { type RawData, type WebSocket, WebSocketServer } from "ws";

/** Options of {@link startRecallTestReceiver}. */
export interface RecallTestReceiverOptions {
  /** Required `?token=`; without it every handshake is accepted. */
  readonly token?: string;
  /** Path to accept, with or without a trailing slash. Default `/`. */
  readonly path?: string;
  /** Largest message; larger ones close the connection with 1009. Default 16 MiB. */
  readonly maxPayload?: number;
  /** Refuse every handshake with this HTTP status. */
  readonly rejectWith?: number;
}

/** One message a test receiver got, parsed by core's Recall parser. */
export interface ReceivedRecallMessage {
  /** 1-based connection number, in accept order. */
  readonly connection: number;
  readonly bytes: number;
  readonly result: ParseResult;
}

/** A minimal Recall receiver for testing senders (the fake bot, `framepipe simulate`). */
export interface RecallTestReceiver {
  /** `ws://127.0.0.1:<port><path>`, without credentials. */
  readonly url: string;
  readonly messages: readonly ReceivedRecallMessage[];
  readonly connectionsAccepted: number;
  readonly handshakesRejected: number;
  /** Resolves once `count` messages in total have arrived. */
  waitForMessages(count: number): Promise<void>;
  /** Resolves once `count` connections in total were accepted. */
  waitForConnections(count: number): Promise<void>;
  /** Stops reading from every connection (and new ones) until {@link resume}. */
  pause(): void;
  resume(): void;
  /** Kills every open connection from the server side, without a close handshake. */
  dropConnections(): void;
  close(): Promise<void>;
}

function trimSlash(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/**
 * Starts a small websocket server on 127.0.0.1 (a free port) that records and parses what a
 * sender delivers. For tests of senders; the real receiver is `@framepipe/source-websocket`.
 */
export async function startRecallTestReceiver(options: RecallTestReceiverOptions = {}): Promise<RecallTestReceiver> {
  const path = options.path ?? "/";
  const messages: ReceivedRecallMessage[] = [];
  const sockets = new Set<WebSocket>();
  const waiters: Array<() => void> = [];
  let accepted = 0;
  let rejected = 0;
  let paused = false;
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const waitUntil = (condition: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!condition()) return;
        waiters.splice(waiters.indexOf(check), 1);
        resolve();
      };
      waiters.push(check);
      check();
    });

  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    maxPayload: options.maxPayload ?? 16 * 1024 * 1024,
    skipUTF8Validation: true,
    verifyClient: (info: { req: IncomingMessage }, callback: (result: boolean, code?: number) => void) => {
      const url = new URL(info.req.url ?? "/", "http://localhost");
      let status = 0;
      if (options.rejectWith !== undefined) status = options.rejectWith;
      else if (trimSlash(url.pathname) !== trimSlash(path)) status = 404;
      else if (options.token !== undefined && url.searchParams.get("token") !== options.token) status = 401;
      if (status !== 0) rejected += 1;
      callback(status === 0, status === 0 ? undefined : status);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  server.on("connection", (socket) => {
    accepted += 1;
    const connection = accepted;
    sockets.add(socket);
    if (paused) socket.pause();
    socket.on("message", (data: RawData) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      messages.push({ connection, bytes: bytes.length, result: parseRecallMessage(bytes) });
      notify();
    });
    socket.on("error", () => {});
    socket.once("close", () => sockets.delete(socket));
    notify();
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `ws://127.0.0.1:${port}${path}`,
    messages,
    get connectionsAccepted() {
      return accepted;
    },
    get handshakesRejected() {
      return rejected;
    },
    waitForMessages: (count) => waitUntil(() => messages.length >= count),
    waitForConnections: (count) => waitUntil(() => accepted >= count),
    pause() {
      paused = true;
      for (const socket of sockets) socket.pause();
    },
    resume() {
      paused = false;
      for (const socket of sockets) socket.resume();
    },
    dropConnections() {
      for (const socket of sockets) socket.terminate();
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
