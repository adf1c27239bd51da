import { createHmac } from "node:crypto";
import type { RecallEvent } from "@framepipe/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  badMessageKinds,
  createFakeRecallBot,
  createTestPng,
  endpointUrl,
  type FakeRecallBotEvent,
  FrameLibrary,
  type RecallTestReceiver,
  redactUrl,
  signUpgradeHeaders,
  startRecallTestReceiver,
} from "../src/index.js";

let receiver: RecallTestReceiver | null = null;

afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

function events(target: RecallTestReceiver): RecallEvent[] {
  return target.messages.flatMap((message) => (message.result.ok ? [message.result.event] : []));
}

describe("createFakeRecallBot", () => {
  it("sends a meeting as Recall envelopes: joins, frames per stream, a late name, leaves", async () => {
    receiver = await startRecallTestReceiver({ token: "token-123" });
    const bot = createFakeRecallBot({
      url: receiver.url,
      token: "token-123",
      participants: 3,
      screenshare: 1,
      duration: 2,
      rate: "max",
      images: "tiny",
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    expect(report.framesPlannedPerBot).toBe(16);
    expect(report.totals).toMatchObject({ framesSent: 16, participantEventsSent: 7, badMessagesSent: 0 });
    const received = events(receiver);
    expect(received).toHaveLength(report.totals.messagesSent);
    const summary = received.map((event) => {
      if (event.kind === "participant") return `${event.action}:${event.participant.id}:${event.participant.name}`;
      if (event.kind === "video-frame") {
        const frame = event.frame;
        return `${frame.type}:${frame.participant.id}:${frame.timestamp.relative}:${frame.participant.name}`;
      }
      return event.kind;
    });
    expect(summary.slice(0, 3)).toEqual(["join:100:Ada Lovelace", "join:101:Grace Hopper", "join:102:null"]);
    expect(summary.slice(3, 7)).toEqual([
      "webcam:100:0:Ada Lovelace",
      "screenshare:100:0:Ada Lovelace",
      "webcam:101:0:Grace Hopper",
      "webcam:102:0:null",
    ]);
    expect(summary).toContain("update:102:Alan Turing");
    expect(summary).toContain("webcam:102:1.5:Alan Turing");
    expect(summary.slice(-3)).toEqual(["leave:100:Ada Lovelace", "leave:101:Grace Hopper", "leave:102:Alan Turing"]);
    const identity = bot.identities[0];
    for (const event of received) {
      if (event.kind !== "video-frame") continue;
      expect(event.frame.recording.id).toBe(identity?.recordingId);
      expect(event.frame.bot?.id).toBe(identity?.botId);
    }
    expect(report.bots[0]?.lastClose).toEqual({ code: 1000, reason: "call ended" });
  });

  it("sends realistic frames at Recall's sizes by default", async () => {
    receiver = await startRecallTestReceiver();
    const library = new FrameLibrary({ framesPerStream: 1 });
    const report = await createFakeRecallBot({
      url: receiver.url,
      participants: 1,
      screenshare: 1,
      duration: 0.5,
      rate: "max",
      library,
    }).run();
    expect(report.totals.framesSent).toBe(2);
    const sizes = events(receiver).flatMap((event) =>
      event.kind === "video-frame"
        ? [`${event.frame.type} ${event.frame.image.width}x${event.frame.image.height}`]
        : [],
    );
    expect(sizes).toEqual(["webcam 480x360", "screenshare 1280x720"]);
    // Realistic content, not a flat test pattern: tens of kilobytes at least.
    expect(report.totals.bytesSent).toBeGreaterThan(100_000);
  });

  it("mixes in malformed messages of every kind", async () => {
    receiver = await startRecallTestReceiver();
    const report = await createFakeRecallBot({
      url: receiver.url,
      participants: 2,
      duration: 2,
      bad: badMessageKinds.length,
      rate: "max",
      images: "tiny",
    }).run();
    expect(report.totals.badMessagesSent).toBe(5);
    const problems = receiver.messages.flatMap((message) => (message.result.ok ? [] : [message.result.problem.kind]));
    expect(problems.sort()).toEqual([...badMessageKinds].sort());
    expect(events(receiver).filter((event) => event.kind === "video-frame")).toHaveLength(8);
  });

  it("opens one connection per bot, each its own recording", async () => {
    receiver = await startRecallTestReceiver();
    const bot = createFakeRecallBot({
      url: receiver.url,
      bots: 3,
      participants: 1,
      duration: 1,
      rate: "max",
      images: "tiny",
    });
    const report = await bot.run();
    expect(receiver.connectionsAccepted).toBe(3);
    expect(new Set(bot.identities.map((identity) => identity.recordingId)).size).toBe(3);
    const recordings = events(receiver).flatMap((event) =>
      event.kind === "video-frame" ? [event.frame.recording.id] : [],
    );
    expect(new Set(recordings)).toEqual(new Set(bot.identities.map((identity) => identity.recordingId)));
    expect(report.bots.map((item) => item.framesSent)).toEqual([2, 2, 2]);
  });

  it("continues a meeting an earlier fleet began: the same ids, the rest of the ticks (startAt, identities)", async () => {
    receiver = await startRecallTestReceiver();
    const options = {
      url: receiver.url,
      participants: 2,
      lateNames: 1,
      fps: 2,
      duration: 3,
      rate: "max",
      images: "tiny",
    } as const;
    const first = createFakeRecallBot({ ...options, duration: 1.5 });
    await first.run();
    const rest = createFakeRecallBot({ ...options, startAt: 1.5, identities: first.identities });
    const report = await rest.run();
    expect(report.outcome).toBe("completed");
    expect(report.framesPlannedPerBot).toBe(6);
    expect(rest.identities).toEqual(first.identities);
    const frames = events(receiver).flatMap((event) => (event.kind === "video-frame" ? [event.frame] : []));
    expect(new Set(frames.map((frame) => frame.recording.id))).toEqual(new Set([first.identities[0]?.recordingId]));
    // Participant 101 joined without a name, given after tick 1 (0.5 s): the rest names it from the start.
    expect(
      frames.map((frame) => `${frame.participant.id}:${frame.timestamp.relative}:${frame.participant.name}`),
    ).toEqual([
      "100:0:Ada Lovelace",
      "101:0:null",
      "100:0.5:Ada Lovelace",
      "101:0.5:null",
      "100:1:Ada Lovelace",
      "101:1:Grace Hopper",
      "100:1.5:Ada Lovelace",
      "101:1.5:Grace Hopper",
      "100:2:Ada Lovelace",
      "101:2:Grace Hopper",
      "100:2.5:Ada Lovelace",
      "101:2.5:Grace Hopper",
    ]);
    // The images of the rest are the later ticks' images, not the first ones again.
    const images = new Set(frames.map((frame) => frame.image.data.toString("base64")));
    expect(images.size).toBe(frames.length);
    expect(() => createFakeRecallBot({ ...options, startAt: 4 })).toThrow(/startAt \(4\) is past the meeting's end/);
  });

  it("reports a refused handshake with its status and sends nothing", async () => {
    receiver = await startRecallTestReceiver({ token: "token-123" });
    const seen: FakeRecallBotEvent[] = [];
    const report = await createFakeRecallBot({
      url: receiver.url,
      token: "wrong",
      images: "tiny",
      onEvent: (event) => seen.push(event),
    }).run();
    expect(report.outcome).toBe("rejected");
    expect(report.bots[0]?.rejectedHandshakes).toEqual([{ statusCode: 401, body: "Unauthorized" }]);
    expect(report.bots[0]?.connectAttempts).toBe(1);
    expect(seen.map((event) => event.type)).toEqual(["rejected", "finished"]);
    expect(receiver.messages).toHaveLength(0);
  });

  it("reconnects after the receiver drops the connection and carries on", async () => {
    receiver = await startRecallTestReceiver();
    const target = receiver;
    const bot = createFakeRecallBot({
      url: target.url,
      participants: 1,
      fps: 20,
      duration: 1,
      images: "tiny",
      reconnectInterval: 10,
    });
    const running = bot.run();
    await target.waitForMessages(4);
    target.dropConnections();
    const report = await running;
    expect(report.outcome).toBe("completed");
    expect(report.totals.reconnects).toBe(1);
    expect(target.connectionsAccepted).toBe(2);
    const second = target.messages.filter((message) => message.connection === 2);
    const last = second.at(-1)?.result;
    expect(last?.ok && last.event.kind === "participant" && last.event.action).toBe("leave");
  });

  it("gives up after its retries when the receiver is gone", async () => {
    receiver = await startRecallTestReceiver();
    const target = receiver;
    const bot = createFakeRecallBot({
      url: target.url,
      participants: 1,
      fps: 20,
      duration: 5,
      images: "tiny",
      reconnectAttempts: 2,
      reconnectInterval: 5,
    });
    const running = bot.run();
    await target.waitForMessages(3);
    await target.close();
    receiver = null;
    const report = await running;
    expect(report.outcome).toBe("failed");
    expect(report.bots[0]?.connectAttempts).toBe(3);
    expect(report.bots[0]?.lastError).toMatch(/ECONNREFUSED/);
  });

  it("waits for a receiver that stops reading instead of buffering without bound", async () => {
    receiver = await startRecallTestReceiver();
    const target = receiver;
    target.pause();
    const png = Buffer.concat([createTestPng(), Buffer.alloc(512 * 1024)]);
    let blocked: () => void = () => {};
    const waiting = new Promise<void>((resolve) => {
      blocked = resolve;
    });
    const bot = createFakeRecallBot({
      url: target.url,
      participants: 2,
      duration: 10,
      rate: "max",
      images: () => png,
      highWaterBytes: 2 * 1024 * 1024,
      onEvent: (event) => {
        if (event.type === "backpressure") blocked();
      },
    });
    const running = bot.run();
    await waiting;
    expect(bot.report().totals.framesSent).toBeLessThan(40);
    expect(bot.report().outcome).toBe("running");
    target.resume();
    const report = await running;
    expect(report.totals.framesSent).toBe(40);
    expect(report.totals.backpressureWaits).toBeGreaterThan(0);
    expect(report.bots[0]?.maxBufferedAmount).toBeLessThan(4 * 1024 * 1024);
  });

  it("stop() ends a realtime meeting early", async () => {
    receiver = await startRecallTestReceiver();
    const target = receiver;
    const bot = createFakeRecallBot({ url: target.url, participants: 1, duration: 60, images: "tiny" });
    const running = bot.run();
    await target.waitForMessages(2);
    const stopped = await bot.stop();
    expect(stopped.outcome).toBe("stopped");
    expect((await running).bots[0]?.outcome).toBe("stopped");
  });

  it("validates its options", () => {
    expect(() => createFakeRecallBot({ url: "ws://127.0.0.1:1/", participants: 2, screenshare: 3 })).toThrow(
      /screenshare \(3\) exceeds participants \(2\)/,
    );
    expect(() => createFakeRecallBot({ url: "ws://127.0.0.1:1/", fps: 0 })).toThrow(/fps must be a positive number/);
    expect(() => createFakeRecallBot({ url: "ftp://example.com/" })).toThrow(/expected a ws:\/\/ or wss:\/\/ URL/);
    expect(() => createFakeRecallBot({ url: "ws://127.0.0.1:1/", secret: "plain" })).toThrow(/whsec_/);
  });
});

describe("endpoint URLs and signatures", () => {
  it("adds the token and the slash Recall needs before ?, with a warning that hides the token", () => {
    const fixed = endpointUrl("ws://127.0.0.1:8080/recall", "s3cret-token");
    expect(fixed.url).toBe("ws://127.0.0.1:8080/recall/?token=s3cret-token");
    expect(fixed.warning).toContain("ws://127.0.0.1:8080/recall/?token=[redacted]");
    expect(fixed.warning).not.toContain("s3cret-token");
    expect(endpointUrl("ws://127.0.0.1:8080/recall/", "t").warning).toBeNull();
    expect(endpointUrl("http://127.0.0.1:8080", "t").url).toBe("ws://127.0.0.1:8080/?token=t");
    expect(redactUrl("wss://host/r/?token=abc&x=1")).toBe("wss://host/r/?token=[redacted]&x=1");
  });

  it("signs like Svix (published test vector) and the upgrade with an empty payload", () => {
    const vector = signUpgradeHeaders({
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      nowMs: 1614265330 * 1000,
      payload: '{"test": 2432232314}',
    });
    expect(vector["webhook-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    const secret = "whsec_dGVzdC1zZWNyZXQ=";
    const headers = signUpgradeHeaders({
      secret,
      style: "svix",
      nowMs: 2_000_000,
      timestampOffsetSeconds: -600,
      id: "msg_1",
    });
    const expected = createHmac("sha256", Buffer.from("dGVzdC1zZWNyZXQ=", "base64"))
      .update("msg_1.1400.")
      .digest("base64");
    expect(headers).toEqual({ "svix-id": "msg_1", "svix-timestamp": "1400", "svix-signature": `v1,${expected}` });
  });
});
