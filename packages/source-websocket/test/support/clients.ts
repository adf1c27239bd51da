import type { IncomingMessage } from "node:http";
import { createTestPng, padPng } from "@framepipe/testing";
import { WebSocket } from "ws";

/** A valid PNG (its IHDR says 1280×720) padded to `bytes` with an ancillary chunk (its CRC right: the source checks it). */
export function paddedPng(bytes: number): Buffer {
  const png = createTestPng({ width: 1280, height: 720 });
  return padPng(png, Buffer.alloc(Math.max(0, bytes - png.length - 12)));
}

/** Opens a plain ws client; resolves once open, rejects with the HTTP status of a refused handshake. */
export function connectClient(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_request, response: IncomingMessage) => {
      reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { statusCode: response.statusCode }));
      socket.terminate();
    });
    socket.once("error", (error) => reject(error));
  });
}

/** Resolves with the close code and reason a client receives. */
export function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") }));
  });
}

/** Sends one message and resolves when ws wrote it. */
export function sendMessage(socket: WebSocket, data: string | Buffer, binary = false): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(data, { binary }, (error) => (error ? reject(error) : resolve()));
  });
}
