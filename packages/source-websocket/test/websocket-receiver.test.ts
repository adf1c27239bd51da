import type { RecallEvent, VideoFrameEvent } from "@framepipe/core";
import { createFakeRecallBot, createTestPng, participantEventMessage, videoFrameMessage } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { closeOf, connectClient, paddedPng, sendMessage } from "./support/clients.js";
import { type StartedSource, startSource } from "./support/start-source.js";

const token = "test-token-123";
let started: StartedSource | null = null;

afterEach(async () => {
  await started?.source.stop();
  started = null;
});

function frames(events: readonly RecallEvent[]): VideoFrameEvent["frame"][] {
  return events.flatMap((event) => (event.kind === "video-frame" ? [event.frame] : []));
}

function identity(frame: VideoFrameEvent["frame"]): string {
  return `${frame.recording.id}/${frame.participant.id}/${frame.type}/${frame.timestamp.relative}`;
}

describe("websocket source with fake Recall bots", () => {
  it("receives every frame and participant event of several bots and participants", async () => {
    started = await startSource({ path: "/recall/" });
    const bot = createFakeRecallBot({
      url: `${started.url}?token=${token}`,
      bots: 3,
      participants: 3,
      screenshare: 1,
      duration: 2,
      rate: "max",
      images: "tiny",
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    const expected = bot.identities.flatMap((identity) =>
      [0, 0.5, 1, 1.5].flatMap((relative) => [
        `${identity.recordingId}/100/webcam/${relative}`,
        `${identity.recordingId}/100/screenshare/${relative}`,
        `${identity.recordingId}/101/webcam/${relative}`,
        `${identity.recordingId}/102/webcam/${relative}`,
      ]),
    );
    const received = frames(started.events).map(identity);
    expect(received.sort()).toEqual(expected.sort());
    const participantEvents = started.events.flatMap((event) => (event.kind === "participant" ? [event] : []));
    expect(participantEvents.filter((event) => event.action === "join")).toHaveLength(9);
    expect(participantEvents.filter((event) => event.action === "leave")).toHaveLength(9);
    // Participant 102 joins nameless; the update names it, and its later frames carry the name.
    const update = participantEvents.find((event) => event.action === "update");
    expect(update?.participant).toMatchObject({ id: 102, name: "Alan Turing" });
    const late = frames(started.events).filter((frame) => frame.participant.id === 102);
    expect(late.map((frame) => frame.participant.name)).toContain(null);
    expect(late.map((frame) => frame.participant.name)).toContain("Alan Turing");
    expect(started.source.stats()).toMatchObject({ connectionsAccepted: 3, messages: { event: 48 + 9 + 9 + 3 } });
  });

  it("counts bad messages by kind, logs each kind once per connection, and loses no good frame", async () => {
    started = await startSource();
    const report = await createFakeRecallBot({
      url: started.url,
      token,
      participants: 2,
      duration: 3,
      bad: 10,
      rate: "max",
      images: "tiny",
    }).run();
    expect(report.totals.badMessagesSent).toBe(10);
    expect(frames(started.events)).toHaveLength(report.totals.framesSent);
    expect(report.totals.framesSent).toBe(12);
    expect(started.source.stats().messages).toEqual({
      event: 16,
      "invalid-json": 2,
      schema: 2,
      "invalid-base64": 2,
      "not-png": 2,
      "truncated-png": 2,
    });
    const warnings = started.logs.filter((line) => line.message.startsWith("bad message dropped"));
    expect(warnings.map((line) => line.fields.kind).sort()).toEqual(
      ["invalid-base64", "invalid-json", "not-png", "schema", "truncated-png"].sort(),
    );
    expect(warnings.every((line) => line.fields.connection === "conn-1" && line.fields.botId !== null)).toBe(true);
    expect(JSON.stringify(warnings)).not.toContain("iVBORw0KGgo");
  });

  it("accepts a 12 MiB message (a 9 MiB screenshare PNG) with the default maxPayload", async () => {
    started = await startSource();
    const client = await connectClient(`${started.url}?token=${token}`);
    const png = paddedPng(9 * 1024 * 1024);
    const message = videoFrameMessage({ png, type: "screenshare" });
    expect(message.length).toBeGreaterThan(12 * 1024 * 1024);
    await sendMessage(client, message);
    const event = (await started.waitForEvent((item) => item.kind === "video-frame")) as VideoFrameEvent;
    expect(event.frame.image.data.equals(png)).toBe(true);
    expect(event.frame.image).toMatchObject({ width: 1280, height: 720 });
    client.close();
  });

  it("closes only the connection that sends an over-limit message (1009)", async () => {
    started = await startSource({ maxPayload: "1MiB" });
    const offender = await connectClient(`${started.url}?token=${token}`);
    const closed = closeOf(offender);
    const bot = createFakeRecallBot({ url: started.url, token, participants: 2, duration: 1, fps: 8, images: "tiny" });
    const running = bot.run();
    await started.waitForEvent((event) => event.kind === "video-frame");
    offender.send(videoFrameMessage({ png: paddedPng(1024 * 1024) }));
    expect((await closed).code).toBe(1009);
    const report = await running;
    expect(report.outcome).toBe("completed");
    expect(report.totals.reconnects).toBe(0);
    expect(frames(started.events)).toHaveLength(16);
    expect(started.source.stats().messages["too-large"]).toBe(1);
    expect(started.logs.some((line) => line.fields.kind === "too-large")).toBe(true);
  });

  it("decodes the legacy binary protocol", async () => {
    started = await startSource();
    const client = await connectClient(`${started.url}?token=${token}`);
    await sendMessage(client, Buffer.from([1, 2, 3]), true);
    await sendMessage(client, '{"protocol_version":1,"bot_id":"legacy-bot-1"}');
    const png = createTestPng({ width: 40, height: 30 });
    for (const [participant, milliseconds] of [
      [7, 0],
      [7, 500],
      [9, 1000],
    ] as const) {
      const header = Buffer.alloc(8);
      header.writeUInt32LE(participant, 0);
      header.writeUInt32LE(milliseconds, 4);
      await sendMessage(client, Buffer.concat([header, png]), true);
    }
    await sendMessage(client, Buffer.alloc(4), true);
    await sendMessage(client, participantEventMessage("join"));
    await started.waitForEvent((event) => event.kind === "participant");
    const received = frames(started.events);
    expect(received.map((frame) => [frame.participant.id, frame.timestamp.relative])).toEqual([
      [7, 0],
      [7, 0.5],
      [9, 1],
    ]);
    expect(received.every((frame) => frame.recording.id === "legacy-bot-1" && frame.image.width === 40)).toBe(true);
    expect(started.source.stats().messages).toMatchObject({ "legacy-handshake": 1, "unsupported-binary": 2, event: 4 });
    client.close();
  });

  it("stop() closes clients with 1001, completes events$, and frees the port", async () => {
    started = await startSource();
    const client = await connectClient(`${started.url}?token=${token}`);
    const closed = closeOf(client);
    started.source.pause();
    await started.source.stop();
    await started.completed;
    expect(await closed).toEqual({ code: 1001, reason: "going away" });
    expect(started.source.stats().connectionsOpen).toBe(0);
    await expect(connectClient(`${started.url}?token=${token}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("answers 404 for other paths and 503 beyond maxConnections", async () => {
    started = await startSource({ path: "/recall/", maxConnections: 1 });
    const base = started.url.replace(/\/recall\/$/, "");
    await expect(connectClient(`${base}/elsewhere/?token=${token}`)).rejects.toMatchObject({ statusCode: 404 });
    const first = await connectClient(`${base}/recall?token=${token}`);
    await expect(connectClient(`${base}/recall/?token=${token}`)).rejects.toMatchObject({ statusCode: 503 });
    expect(started.source.stats().rejected).toEqual({ "wrong-path": 1, "too-many-connections": 1 });
    first.close();
  });
});
