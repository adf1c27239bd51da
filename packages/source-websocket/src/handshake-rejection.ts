import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { RejectionReason } from "./upgrade-auth.js";

/** The HTTP status each rejection answers with. */
export const rejectionStatus: Readonly<Record<RejectionReason, number>> = Object.freeze({
  "missing-credentials": 401,
  "bad-token": 401,
  "bad-signature": 401,
  "expired-signature": 401,
  "too-many-connections": 503,
  "wrong-path": 404,
  "shutting-down": 503,
});

/** Short response bodies: enough for a human reading a client's error, nothing about the secret. */
const rejectionBody: Readonly<Record<RejectionReason, string>> = Object.freeze({
  "missing-credentials": "unauthorized: missing credentials",
  "bad-token": "unauthorized: invalid token",
  "bad-signature": "unauthorized: invalid signature",
  "expired-signature": "unauthorized: signature timestamp outside the tolerance",
  "too-many-connections": "too many connections",
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
