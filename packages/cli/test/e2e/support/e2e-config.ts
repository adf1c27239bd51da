import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { streamPathTemplate } from "./written-streams.js";

/** The local sink plugin that delays each frame (`type: slow`, option `delay`). */
export const slowSinkPlugin = fileURLToPath(new URL("../fixtures/slow-sink.ts", import.meta.url));
/** The `slow-pass` transform fixture (a delay per frame, the frame unchanged). */
export const slowTransformPlugin = fileURLToPath(new URL("../fixtures/slow-transform.ts", import.meta.url));

/** A fresh token of the length the websocket source requires. */
export function randomToken(): string {
  return `e2e-${randomBytes(12).toString("hex")}`;
}

/** A websocket source on a free port of 127.0.0.1 at `/recall/`, plus `options`. */
export function websocketSource(options: Record<string, unknown>): Record<string, unknown> {
  return { type: "websocket", host: "127.0.0.1", port: 0, path: "/recall/", ...options };
}

/** An fs sink writing the tree {@link streamPathTemplate} with manifests. */
export function fsSink(inputs: readonly string[], dir: string): Record<string, unknown> {
  return { type: "fs", inputs, dir, path: streamPathTemplate, manifest: true };
}

/** The parts every e2e config shares: the API on a free port, info logs. */
export const runDefaults = { version: 1, api: { host: "127.0.0.1", port: 0 }, log: { level: "info" } } as const;

/** A temporary folder for one test file; `remove()` deletes it. */
export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "framepipe-e2e-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
