import type { RecallEvent } from "@framepipe/core";
import {
  createFakeRecallBot,
  createTestPng,
  type FrameImageRequest,
  pngClaimingSize,
  pngWithCorruptCrc,
} from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { connectClient, sendMessage } from "./support/clients.js";
import { type StartedSource, startSource } from "./support/start-source.js";

let started: StartedSource | null = null;

afterEach(async () => {
  await started?.source.stop();
  started = null;
});

/** Frame 2 of each participant has a flipped IDAT CRC, frame 4 claims 50000×50000: the rest are good. */
function hostileImages({ participantId, counter }: FrameImageRequest): Buffer {
  if (counter === 2) return pngWithCorruptCrc(createTestPng({ participantId, seq: counter }));
  if (counter === 4) return pngClaimingSize(50_000, 50_000);
  return createTestPng({ participantId, seq: counter });
}

function frameCounters(events: readonly RecallEvent[]): string[] {
  return events
    .flatMap((event) => (event.kind === "video-frame" ? [event.frame] : []))
    .map((frame) => `${frame.recording.id}/${frame.participant.id}@${frame.timestamp.relative * 2}`)
    .sort();
}

describe("websocket source: PNGs a decoder would choke on", () => {
  it("refuses a corrupt PNG and a 50000×50000 header between good frames, counted by kind, logged once per connection", async () => {
    started = await startSource();
    const bot = createFakeRecallBot({
      url: started.url,
      token: "test-token-123",
      bots: 2,
      participants: 2,
      fps: 2,
      duration: 3,
      rate: "max",
      images: hostileImages,
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    // 2 bots × 2 participants × 6 frames; counters 2 and 4 of each stream are the bad ones.
    expect(report.totals.framesSent).toBe(24);
    const good = bot.identities.flatMap((identity) =>
      [100, 101].flatMap((participant) =>
        [0, 1, 3, 5].map((counter) => `${identity.recordingId}/${participant}@${counter}`),
      ),
    );
    expect(frameCounters(started.events)).toEqual(good.sort());

    const messages = started.source.stats().messages;
    expect(messages["corrupt-png"]).toBe(4);
    expect(messages["too-many-pixels"]).toBe(4);
    const warnings = started.logs.filter((line) => line.message.startsWith("bad message dropped"));
    const perConnection = warnings.map((line) => `${String(line.fields.connection)} ${String(line.fields.kind)}`);
    expect(perConnection.sort()).toEqual([
      "conn-1 corrupt-png",
      "conn-1 too-many-pixels",
      "conn-2 corrupt-png",
      "conn-2 too-many-pixels",
    ]);
    const bomb = warnings.find((line) => line.fields.kind === "too-many-pixels");
    expect(bomb?.fields.problem).toBe("PNG of 50000x50000 (2500000000 pixels) exceeds the maximum of 9437184 pixels");
    expect(warnings.find((line) => line.fields.kind === "corrupt-png")?.fields.problem).toMatch(/CRC mismatch in IDAT/);
  });

  it("applies maxPixels from its options, to the JSON protocol and to the legacy binary one", async () => {
    started = await startSource({ maxPixels: 40 * 30 });
    const report = await createFakeRecallBot({
      url: started.url,
      token: "test-token-123",
      participants: 1,
      fps: 2,
      duration: 1,
      rate: "max",
      images: ({ counter }) => createTestPng({ width: counter === 0 ? 40 : 41, height: 30 }),
    }).run();
    expect(report.totals.framesSent).toBe(2);
    expect(started.source.stats().messages).toMatchObject({ "too-many-pixels": 1, event: 1 + 2 });

    const legacy = await connectClient(`${started.url}?token=test-token-123`);
    await sendMessage(legacy, '{"protocol_version":1,"bot_id":"legacy-bot-1"}');
    const header = Buffer.alloc(8);
    for (const png of [createTestPng({ width: 41, height: 30 }), pngWithCorruptCrc(), createTestPng()]) {
      await sendMessage(legacy, Buffer.concat([header, png]), true);
    }
    // Messages of a connection are handled in order: once the good frame (sent last) is in, so is the rest.
    await started.waitForEvent((event) => event.kind === "video-frame" && event.frame.recording.id === "legacy-bot-1");
    expect(started.source.stats().messages).toMatchObject({ "too-many-pixels": 2, "corrupt-png": 1 });
    const legacyFrames = started.events.filter(
      (event) => event.kind === "video-frame" && event.frame.recording.id === "legacy-bot-1",
    );
    expect(legacyFrames).toHaveLength(1);
    legacy.close();
  });
});
