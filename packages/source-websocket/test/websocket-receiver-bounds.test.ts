import { participantEventMessage, videoFrameMessage } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { connectClient, sendMessage } from "./support/clients.js";
import { type StartedSource, startSource } from "./support/start-source.js";

// Issue 12, item 1: over-long values are shortened, counted by field, and logged once per connection and field.
const token = "test-token-123";
let started: StartedSource | null = null;

afterEach(async () => {
  await started?.source.stop();
  started = null;
});

const truncationWarning = (line: { message: string }) => line.message.startsWith("over-long ");

describe("websocket source: values over framepipe's limits", () => {
  it("counts each shortened field per message and logs it once per connection", async () => {
    started = await startSource();
    const longName = "n".repeat(1000);
    for (const connectionNumber of [1, 2]) {
      const client = await connectClient(`${started.url}?token=${token}`);
      for (let id = 1; id <= 3; id += 1) {
        await sendMessage(client, participantEventMessage("join", { participant: { id, name: longName } }));
      }
      await sendMessage(
        client,
        videoFrameMessage({ participant: { id: 1, name: longName, email: "e".repeat(300) }, recording: { id: "r" } }),
      );
      await started.waitForEvents(4 * connectionNumber);
      client.close();
    }
    expect(started.source.stats().truncated).toEqual({ "participant.name": 8, "participant.email": 2 });
    const frame = started.events.find((event) => event.kind === "video-frame");
    expect(frame?.kind === "video-frame" && Buffer.byteLength(frame.frame.participant.name ?? "")).toBe(256);
    const warnings = started.logs.filter(truncationWarning);
    expect(warnings.map((line) => `${line.fields.connection} ${line.fields.field}`)).toEqual([
      "conn-1 participant.name",
      "conn-1 participant.email",
      "conn-2 participant.name",
      "conn-2 participant.email",
    ]);
    expect(JSON.stringify(warnings)).not.toContain(longName);
  });

  it("refuses a message whose envelope is over maxEnvelope as schema, and passes the next ones", async () => {
    started = await startSource({ maxEnvelope: "4KiB" });
    const client = await connectClient(`${started.url}?token=${token}`);
    await sendMessage(client, participantEventMessage("join", { participant: { id: 1, name: "n".repeat(5000) } }));
    await sendMessage(client, participantEventMessage("join", { participant: { id: 2, name: "Ada" } }));
    await started.waitForEvents(1);
    client.close();
    expect(started.source.stats().messages).toEqual({ schema: 1, event: 1 });
    expect(started.events.map((event) => event.kind === "participant" && event.participant.name)).toEqual(["Ada"]);
    const warning = started.logs.find((line) => line.message.startsWith("bad message dropped (schema)"));
    expect(warning?.fields.problem).toBe(
      "message: the envelope (everything but data.data.buffer) is over the maximum of 4096 bytes",
    );
  });
});
