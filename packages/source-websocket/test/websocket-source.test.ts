import { createRequire } from "node:module";
import { createFakeRecallBot, sourceContract } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import websocketSourceDefault, { createWebsocketSource, type WebsocketSourceInstance } from "../src/index.js";

sourceContract({
  it,
  describe,
  expect,
  definition: websocketSourceDefault,
  validOptions: { port: 0, token: "contract-token" },
  // 2 joins, 2 × 2 frames, 2 leaves.
  minimumEvents: 8,
  drive(source) {
    const url = (source as WebsocketSourceInstance).address()?.url;
    if (url === undefined) throw new Error("the source is not listening");
    // Resolves once everything is written: while the source is paused, the bot's closing
    // handshake waits for the source to resume or stop, which the contract does next.
    return new Promise<void>((resolve, reject) => {
      const bot = createFakeRecallBot({
        url,
        token: "contract-token",
        participants: 2,
        duration: 1,
        rate: "max",
        images: "tiny",
        onEvent: (event) => {
          if (event.type === "sent") resolve();
        },
      });
      bot.run().then((report) => {
        if (report.outcome !== "completed") reject(new Error(`bot ended ${report.outcome}`));
      }, reject);
    });
  },
});

describe("websocket source definition", () => {
  it("is the default export, of type websocket, with an optional httpServer service", () => {
    expect(websocketSourceDefault.type).toBe("websocket");
    expect(websocketSourceDefault.kind).toBe("source");
    expect(websocketSourceDefault.deps.httpServer).toEqual({ id: "httpServer", optional: true });
  });

  it("uses bufferutil's native masking through ws", () => {
    const requireFromWs = createRequire(createRequire(import.meta.url).resolve("ws"));
    const bufferutil = requireFromWs("bufferutil") as { mask: (...values: unknown[]) => void };
    expect(String(bufferutil.mask)).toContain("[native code]");
  });

  it("createWebsocketSource validates options and lists every problem", () => {
    expect(() => createWebsocketSource({ port: -1 })).toThrow(
      /\[framepipe\] \[source:websocket#websocket\] invalid options: port: .*; options: needs token or secret/,
    );
  });

  it("fails start() with a clear error when the port is taken", async () => {
    const first = createWebsocketSource({ port: 0, token: "a-long-token" });
    await first.start();
    const port = first.address()?.port ?? 0;
    const second = createWebsocketSource({ port, token: "a-long-token" }, { componentId: "second" });
    await expect(second.start()).rejects.toThrow(
      `[framepipe] [source:websocket#second] cannot listen on 127.0.0.1:${port} (EADDRINUSE): the port is in use`,
    );
    await first.stop();
  });
});
