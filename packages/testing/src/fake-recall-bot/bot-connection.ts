import type { IncomingMessage } from "node:http";
import { WebSocket } from "ws";
import { SendWindow } from "./send-window.js";

/** Something that happened to a bot's connection. */
export type BotConnectionEvent =
  | { readonly type: "connected"; readonly attempt: number; readonly reconnect: boolean }
  | { readonly type: "disconnected"; readonly code: number; readonly reason: string }
  | { readonly type: "rejected"; readonly statusCode: number; readonly body: string }
  | { readonly type: "connect-failed"; readonly error: string }
  | { readonly type: "retrying"; readonly attempt: number; readonly attempts: number; readonly inMs: number }
  | { readonly type: "backpressure"; readonly pendingBytes: number }
  | { readonly type: "gave-up"; readonly attempts: number };

/** A refused websocket handshake: the HTTP status and the start of the body. */
export interface RejectedHandshake {
  readonly statusCode: number;
  readonly body: string;
}

/** How a {@link BotConnection} connects and retries. */
export interface BotConnectionSettings {
  readonly url: string;
  /** Extra upgrade headers, computed per attempt (a fresh signature each time). */
  readonly headers: () => Record<string, string>;
  /** Retries after a drop or a failed handshake; Recall makes 30. */
  readonly reconnectAttempts: number;
  /** Pause before each retry; Recall waits 3 s. */
  readonly reconnectIntervalMs: number;
  /** Retry refused handshakes (4xx/5xx) too, as Recall does. */
  readonly retryRejectedHandshakes: boolean;
  /** Bytes handed to ws but not yet written, before sends wait. */
  readonly highWaterBytes: number;
  readonly signal: AbortSignal;
  readonly onEvent: (event: BotConnectionEvent) => void;
}

type AttemptOutcome = "open" | "rejected" | "failed";

const maximumBodyLength = 200;

/**
 * One bot's websocket connection, reconnecting like Recall: after a drop, a server-side close or
 * a failed handshake it retries `reconnectAttempts` times, `reconnectIntervalMs` apart. Sends go
 * through a {@link SendWindow}, so the bot never buffers without bound.
 */
export class BotConnection {
  readonly #settings: BotConnectionSettings;
  #socket: WebSocket | null = null;
  #window = new SendWindow(1);
  #reconnecting: Promise<boolean> | null = null;
  #closingOnPurpose = false;
  #failed = false;
  #rejected = false;
  #pendingCallbacks = 0;
  #idleWaiters: Array<() => void> = [];
  #changeWaiters: Array<() => void> = [];
  connectAttempts = 0;
  reconnects = 0;
  lostMessages = 0;
  backpressureWaits = 0;
  maxBufferedAmount = 0;
  readonly rejectedHandshakes: RejectedHandshake[] = [];
  lastClose: { code: number; reason: string } | null = null;
  lastError: string | null = null;

  constructor(settings: BotConnectionSettings) {
    this.#settings = settings;
  }

  /** True while a socket is open and sends can go out. */
  isOpen(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** True once the retries are spent or a refused handshake ended the bot. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Set when the connection ended for good because a handshake was refused (and refusals are not retried). */
  get rejected(): boolean {
    return this.#rejected;
  }

  /** Connects, retrying like Recall. Resolves true once open, false when it gave up or was stopped. */
  async open(): Promise<boolean> {
    const outcome = await this.#attempt(false);
    if (outcome === "open") return true;
    if (outcome === "rejected" && !this.#settings.retryRejectedHandshakes) return this.#giveUp(false, true);
    this.#reconnecting = this.#retry(false);
    return this.#reconnecting;
  }

  /** Resolves true when the connection is open (after a pending reconnection), false when it never will be. */
  async ready(): Promise<boolean> {
    const signal = this.#settings.signal;
    while (!signal.aborted && !this.#failed && !this.#closingOnPurpose) {
      if (this.isOpen()) return true;
      if (this.#reconnecting) return this.#reconnecting;
      // A socket between its close frame and its close event: wait for the event to tell.
      await new Promise<void>((resolve) => {
        this.#changeWaiters.push(resolve);
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    }
    return false;
  }

  /**
   * Hands one text message to ws once the window has room. `onWritten` is called with true when
   * ws wrote it to the socket, false when it was lost with the connection. Resolves false, without
   * sending, when no socket is open.
   */
  async send(data: Buffer, onWritten: (written: boolean) => void): Promise<boolean> {
    let socket = this.#openSocket();
    if (socket === null) return false;
    const window = this.#window;
    if (window.isFull()) {
      this.backpressureWaits += 1;
      this.#settings.onEvent({ type: "backpressure", pendingBytes: window.pendingBytes });
      await window.room();
      socket = this.#openSocket();
      if (socket === null || window !== this.#window) return false;
    }
    window.add(data.length);
    this.#pendingCallbacks += 1;
    socket.send(data, { binary: false }, (error) => {
      window.settle(data.length);
      if (error) this.lostMessages += 1;
      onWritten(!error);
      this.#pendingCallbacks -= 1;
      if (this.#pendingCallbacks === 0) this.#wakeIdle();
    });
    if (socket.bufferedAmount > this.maxBufferedAmount) this.maxBufferedAmount = socket.bufferedAmount;
    return true;
  }

  /** Resolves once ws has written (or failed) every message handed to it. */
  async drain(): Promise<void> {
    while (this.#pendingCallbacks > 0) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
  }

  /** Closes the connection on purpose (no reconnection) and waits for it to close, at most `timeoutMs`. */
  async close(code = 1000, reason = "call ended", timeoutMs = 5000): Promise<void> {
    this.#closingOnPurpose = true;
    this.#notifyChange();
    const socket = this.#socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close(code, reason);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    // Narrowed by the check above, but the socket may have changed state while awaiting.
    if ((socket.readyState as number) !== WebSocket.CLOSED) {
      socket.terminate();
      await closed;
    }
  }

  #openSocket(): WebSocket | null {
    const socket = this.#socket;
    return socket !== null && socket.readyState === WebSocket.OPEN ? socket : null;
  }

  #notifyChange(): void {
    const waiters = this.#changeWaiters;
    this.#changeWaiters = [];
    for (const wake of waiters) wake();
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  #giveUp(announce: boolean, rejected = false): false {
    this.#failed = true;
    this.#rejected = rejected;
    if (announce) this.#settings.onEvent({ type: "gave-up", attempts: this.#settings.reconnectAttempts });
    return false;
  }

  async #retry(isReconnect: boolean): Promise<boolean> {
    const settings = this.#settings;
    for (let attempt = 1; attempt <= settings.reconnectAttempts; attempt += 1) {
      settings.onEvent({
        type: "retrying",
        attempt,
        attempts: settings.reconnectAttempts,
        inMs: settings.reconnectIntervalMs,
      });
      if (!(await sleep(settings.reconnectIntervalMs, settings.signal))) return false;
      if (this.#closingOnPurpose) return false;
      const outcome = await this.#attempt(isReconnect);
      if (outcome === "open") {
        this.#reconnecting = null;
        return true;
      }
      if (outcome === "rejected" && !settings.retryRejectedHandshakes) return this.#giveUp(false, true);
    }
    return this.#giveUp(true);
  }

  #attempt(isReconnect: boolean): Promise<AttemptOutcome> {
    if (this.#settings.signal.aborted) return Promise.resolve("failed");
    this.connectAttempts += 1;
    const attempt = this.connectAttempts;
    const socket = new WebSocket(this.#settings.url, {
      headers: this.#settings.headers(),
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    this.#socket = socket;
    return new Promise<AttemptOutcome>((resolve) => {
      let settled = false;
      let wasOpen = false;
      const settle = (outcome: AttemptOutcome): void => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      socket.on("unexpected-response", (request, response: IncomingMessage) => {
        readBody(response).then((body) => {
          const rejection = { statusCode: response.statusCode ?? 0, body };
          this.rejectedHandshakes.push(rejection);
          this.#settings.onEvent({ type: "rejected", ...rejection });
          request.destroy();
          socket.terminate();
          settle("rejected");
        });
      });
      socket.on("error", (error) => {
        this.lastError = error.message;
        if (!settled) this.#settings.onEvent({ type: "connect-failed", error: error.message });
        settle("failed");
      });
      socket.once("open", () => {
        wasOpen = true;
        this.#window = new SendWindow(this.#settings.highWaterBytes);
        if (isReconnect) this.reconnects += 1;
        this.#settings.onEvent({ type: "connected", attempt, reconnect: isReconnect });
        settle("open");
        this.#notifyChange();
      });
      socket.once("close", (code, reason) => {
        settle("failed");
        this.#onClose(socket, wasOpen, code, reason.toString("utf8"));
        this.#notifyChange();
      });
    });
  }

  #onClose(socket: WebSocket, wasOpen: boolean, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#window.release();
    // A refused or failed handshake also ends here; only a connection that had opened is a drop.
    if (!wasOpen) return;
    this.lastClose = { code, reason };
    this.#settings.onEvent({ type: "disconnected", code, reason });
    if (this.#closingOnPurpose || this.#settings.signal.aborted) return;
    this.#reconnecting = this.#retry(true);
  }
}

async function readBody(response: IncomingMessage): Promise<string> {
  let body = "";
  try {
    for await (const chunk of response) {
      body += String(chunk);
      if (body.length >= maximumBodyLength) break;
    }
  } catch {
    // The server may reset the socket right after its answer; what was read is enough.
  }
  return body.slice(0, maximumBodyLength).trim();
}

/** Waits `milliseconds`; resolves false at once when `signal` aborts. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, milliseconds);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
