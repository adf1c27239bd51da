import { createFakeRecallBot } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { closeOf, connectClient } from "./support/clients.js";
import { type StartedSource, startSource } from "./support/start-source.js";

const token = "test-token-123";
const mebibyte = 1024 * 1024;
let started: StartedSource | null = null;
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await started?.source.stop();
  started = null;
});

/** Starts a text message of `bytes` and never finishes it: ws on the server buffers it until its last fragment. */
function sendFirstFragment(client: WebSocket, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    client.send(Buffer.alloc(bytes, 0x61), { binary: false, fin: false }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

/** Polls (bounded) until `condition` holds: the server counts bytes as its sockets read them. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 2000; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe("websocket source: messages still arriving, all connections together", () => {
  it("terminates the connection holding the most unfinished bytes once maxReceivingBytes is passed, and serves a bot", async () => {
    started = await startSource({ maxReceivingBytes: "3MiB", maxPayload: "16MiB" });
    const source = started;
    const url = `${source.url}?token=${token}`;
    const [small, large, third] = await Promise.all([connectClient(url), connectClient(url), connectClient(url)]);
    clients.push(small!, large!, third!);

    await sendFirstFragment(small!, mebibyte);
    await until(() => source.source.stats().arrivingBytes >= mebibyte, "the first fragment is counted");
    await sendFirstFragment(large!, 1.5 * mebibyte);
    await until(() => source.source.stats().arrivingBytes >= 2.5 * mebibyte, "the second fragment is counted");
    expect(source.source.stats().evicted).toEqual({});

    const largeClosed = closeOf(large!);
    const smallClosed = closeOf(small!);
    await sendFirstFragment(third!, mebibyte);
    // Terminated without a closing handshake: the client sees an abnormal closure.
    expect((await largeClosed).code).toBe(1006);
    // Two fragments of 1 MiB are left, plus their frame headers (14 bytes each, masked).
    await until(() => source.source.stats().arrivingBytes >= 2 * mebibyte, "the third fragment is counted");
    expect(source.source.stats().arrivingBytes).toBeLessThan(2 * mebibyte + 1024);
    expect(source.source.stats().evicted).toEqual({ "receive-budget": 1 });
    expect(source.source.stats().connectionsOpen).toBe(2);

    // The two within the budget finish their messages (bad ones: they are only counted) and stay open.
    small!.send(Buffer.from("x"), { binary: false, fin: true });
    await until(() => source.source.stats().arrivingBytes < mebibyte + 1024, "a finished message leaves the count");
    expect(small!.readyState).toBe(small!.OPEN);

    const report = await createFakeRecallBot({
      url: source.url,
      token,
      participants: 2,
      duration: 1,
      rate: "max",
      images: "tiny",
    }).run();
    expect(report.outcome).toBe("completed");
    expect(source.events.filter((event) => event.kind === "video-frame")).toHaveLength(4);
    expect(
      source.logs.filter((line) => line.message.startsWith("connection terminated: messages arriving")),
    ).toHaveLength(1);
    small!.terminate();
    await smallClosed;
  });
});
