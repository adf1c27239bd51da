import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { RejectionReason } from "./upgrade-auth.js";

/** The HTTP status each rejection answers with. */
export const rejectionStatus: Readonly<Record<RejectionReason, number>> = Object.freeze({
  "missing-credentials": 401,
  "bad-token": 401,
  "bad-signature": 401,
  "expired-signature": 401,
  "replayed-signature": 401,
  "too-many-connections": 503,
  "too-many-pending-handshakes": 503,
  "headers-timeout": 408,
  "wrong-path": 404,
  "shutting-down": 503,
});

/**
 * Short response bodies. Every authentication failure answers the same body: telling a caller
 * whether the token or the signature was wrong (or which one is configured) only helps someone
 * guessing. The reason is counted and logged on the server side.
 */
const rejectionBody: Readonly<Record<RejectionReason, string>> = Object.freeze({
  "missing-credentials": "unauthorized",
  "bad-token": "unauthorized",
  "bad-signature": "unauthorized",
  "expired-signature": "unauthorized",
  "replayed-signature": "unauthorized",
  "too-many-connections": "too many connections",
  "too-many-pending-handshakes": "too many connections",
  "headers-timeout": "request timeout",
  "wrong-path": "not found",
  "shutting-down": "shutting down",
});

/**
 * Answers an upgrade request with a plain HTTP error and destroys the socket once the answer is
 * written: the websocket never opens, so no frame can be accepted on it.
 */
export function rejectHandshake(socket: Duplex, reason: RejectionReason): void {
  const status = rejectionStatus[reason];
  const body = `${rejectionBody[reason]}\n`;
  const response =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
    "Connection: close\r\n" +
    "Content-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "\r\n" +
    body;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  socket.end(response);
}
