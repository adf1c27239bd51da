import type { IncomingMessage } from "node:http";
import { createFakeRecallBot, type FakeRecallBotOptions, signUpgradeHeaders } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { connectClient } from "./support/clients.js";
import { type StartedSource, startSource } from "./support/start-source.js";

const token = "right-token-123";
const secret = "whsec_dGVzdC1zZWNyZXQtZm9yLWZyYW1lcGlwZQ==";
const otherSecret = "whsec_b3RoZXItc2VjcmV0LXZhbHVlISE=";
let started: StartedSource | null = null;

afterEach(async () => {
  await started?.source.stop();
  started = null;
});

function runBot(options: Partial<FakeRecallBotOptions>) {
  return createFakeRecallBot({
    url: started?.url ?? "",
    participants: 1,
    duration: 0.5,
    rate: "max",
    images: "tiny",
    reconnectInterval: 10,
    ...options,
  }).run();
}

/** Resolves with the status and body of a refused handshake, or "open" (and closes it) when accepted. */
function handshake(url: string, headers: Record<string, string>): Promise<{ status: number; body: string } | "open"> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => {
      socket.close();
      resolve("open");
    });
    socket.once("unexpected-response", (_request, response: IncomingMessage) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.once("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once("error", reject);
  });
}

describe("websocket source authentication", () => {
  it("accepts the right token and refuses a wrong or missing one with 401, before any message", async () => {
    started = await startSource({ token });
    expect((await runBot({ token })).outcome).toBe("completed");
    const accepted = started.events.length;
    const wrong = await runBot({ token: "wrong-token-456" });
    expect(wrong.outcome).toBe("rejected");
    expect(wrong.bots[0]?.rejectedHandshakes).toEqual([{ statusCode: 401, body: "unauthorized" }]);
    expect(wrong.totals.messagesSent).toBe(0);
    const missing = await runBot({});
    // The same answer whatever failed: the reason is only in the server's counters and log.
    expect(missing.bots[0]?.rejectedHandshakes).toEqual([{ statusCode: 401, body: "unauthorized" }]);
    expect(started.events.length).toBe(accepted);
    expect(started.source.stats()).toMatchObject({
      connectionsAccepted: 1,
      rejected: { "bad-token": 1, "missing-credentials": 1 },
    });
    const logged = JSON.stringify(started.logs);
    expect(logged).not.toContain("wrong-token-456");
    expect(logged).not.toContain(token);
    expect(logged).not.toContain("?token");
  });

  it("retries refused handshakes like Recall when asked, each refusal counted", async () => {
    started = await startSource({ token });
    const report = await runBot({ token: "wrong-token-456", retryRejectedHandshakes: true, reconnectAttempts: 2 });
    expect(report.outcome).toBe("failed");
    expect(report.bots[0]?.connectAttempts).toBe(3);
    expect(started.source.stats().rejected).toEqual({ "bad-token": 3 });
    // Logged once for the reason and address, however often the bot retries.
    expect(started.logs.filter((line) => line.message.startsWith("websocket handshake rejected"))).toHaveLength(1);
  });

  it("verifies whsec signatures: good, wrong secret, expired timestamp, and the svix-* variant", async () => {
    started = await startSource({ token: undefined, secret });
    expect((await runBot({ secret })).outcome).toBe("completed");
    expect((await runBot({ secret, signatureHeaders: "svix" })).outcome).toBe("completed");
    const wrong = await runBot({ secret: otherSecret });
    expect(wrong.bots[0]?.rejectedHandshakes[0]).toEqual({ statusCode: 401, body: "unauthorized" });
    const expired = await runBot({ secret, signatureTimestampOffset: -600 });
    expect(expired.bots[0]?.rejectedHandshakes[0]?.body).toBe("unauthorized");
    expect(started.source.stats()).toMatchObject({
      connectionsAccepted: 2,
      rejected: { "bad-signature": 1, "expired-signature": 1 },
    });
    expect(JSON.stringify(started.logs)).not.toContain(secret);
  });

  it("accepts a signed upgrade once: the same signed headers again are refused with 401 as replayed-signature", async () => {
    started = await startSource({ token: undefined, secret });
    const signed = signUpgradeHeaders({ secret });
    const first = await connectClient(started.url, signed);
    const refused = { status: 401, body: "unauthorized\n" };
    expect(await handshake(started.url, signed)).toEqual(refused);
    // The same signature under the older svix-* names, or with another v1 entry appended, is the same upgrade.
    const svix = {
      "svix-id": signed["webhook-id"] as string,
      "svix-timestamp": signed["webhook-timestamp"] as string,
      "svix-signature": signed["webhook-signature"] as string,
    };
    expect(await handshake(started.url, svix)).toEqual(refused);
    const padded = { ...signed, "webhook-signature": `v1,bm90LWl0 ${signed["webhook-signature"]}` };
    expect(await handshake(started.url, padded)).toEqual(refused);
    // A reconnect that signs afresh (new timestamp, or a new id) is another upgrade.
    const resigned = signUpgradeHeaders({ secret, id: signed["webhook-id"], timestampOffsetSeconds: -3 });
    expect(await handshake(started.url, resigned)).toBe("open");
    expect(await handshake(started.url, signUpgradeHeaders({ secret }))).toBe("open");
    expect(started.source.stats()).toMatchObject({ connectionsAccepted: 3, rejected: { "replayed-signature": 3 } });
    const logged = started.logs.filter((line) => line.message === "websocket handshake rejected: replayed-signature");
    expect(logged).toHaveLength(1);
    first.close();
  });

  it("refuses a timestamp 2 minutes ahead of the clock, and allows small skew", async () => {
    started = await startSource({ token: undefined, secret });
    const ahead = await runBot({ secret, signatureTimestampOffset: 120 });
    expect(ahead.bots[0]?.rejectedHandshakes).toEqual([{ statusCode: 401, body: "unauthorized" }]);
    expect((await runBot({ secret, signatureTimestampOffset: 20 })).outcome).toBe("completed");
    expect(started.source.stats()).toMatchObject({ connectionsAccepted: 1, rejected: { "expired-signature": 1 } });
  });

  it("accepts either method when both are configured", async () => {
    started = await startSource({ token, secret, signatureTolerance: "1m" });
    expect((await runBot({ token })).outcome).toBe("completed");
    expect((await runBot({ token: "wrong-token-456", secret })).outcome).toBe("completed");
    expect((await runBot({ secret, signatureTimestampOffset: -120 })).outcome).toBe("rejected");
  });

  it("accepts anyone with allowUnauthenticated, and warns about it at start", async () => {
    started = await startSource({ token: undefined, allowUnauthenticated: true });
    expect((await runBot({})).outcome).toBe("completed");
    expect(started.logs.some((line) => line.level === "warn" && /WITHOUT authentication/.test(line.message))).toBe(
      true,
    );
  });
});
