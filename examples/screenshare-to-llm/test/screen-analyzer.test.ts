import { createHash, randomBytes } from "node:crypto";
import { createFakeRecallBot, createTestPng, type FrameImageRequest, FrameLibrary } from "@framepipe/testing";
import { filter, firstValueFrom, scan } from "rxjs";
import sharp from "sharp";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createStubDescriber, type DescribeScreenCall } from "../src/describe-screen.js";
import { createScreenAnalyzer, type ScreenAnalyzer } from "../src/screen-analyzer.js";

const token = randomBytes(16).toString("hex");
/** Realistic 1280×720 screens, rendered once for every test. */
const library = new FrameLibrary({ framesPerStream: 8 });
let analyzer: ScreenAnalyzer | undefined;

afterEach(async () => {
  await analyzer?.close();
  analyzer = undefined;
});

/**
 * The meeting's images: participant 100 shares a live demo (a new screen every frame), 101 a
 * slide deck (the same slide, byte for byte, for 4 frames = 2 s), 102 only a webcam. Webcams are
 * tiny test PNGs.
 */
function meetingImages(request: FrameImageRequest): Promise<Buffer> | Buffer {
  if (request.type === "webcam") return createTestPng({ participantId: request.participantId, seq: request.counter });
  const slide = request.participantId === 101 ? Math.floor(request.counter / 4) : request.counter;
  return library.png({ participantId: request.participantId, type: "screenshare", counter: slide });
}

function byStream(calls: readonly DescribeScreenCall[]): Map<string, DescribeScreenCall[]> {
  const streams = new Map<string, DescribeScreenCall[]>();
  for (const call of calls) {
    const key = `${call.participantId} ${call.type}`;
    streams.set(key, [...(streams.get(key) ?? []), call]);
  }
  return streams;
}

const digest = (data: Buffer) => createHash("sha1").update(data).digest("hex");

beforeAll(async () => {
  // Rendered before the bots start, so that `rate: "max"` really sends as fast as framepipe takes.
  await library.prepare([{ participantId: 100 }, { participantId: 101 }], ["screenshare"]);
}, 30_000);

describe("examples/screenshare-to-llm", () => {
  it("sends the LLM function only changed screenshares, as 1024-wide JPEGs, at most one per second", async () => {
    const describer = createStubDescriber();
    const descriptions: string[] = [];
    analyzer = await createScreenAnalyzer({
      token,
      describeScreen: describer.describeScreen,
      onDescription: (description) => descriptions.push(description),
    });
    const address = await analyzer.listen(0);
    const report = await createFakeRecallBot({
      url: `ws://127.0.0.1:${address.port}/recall/`,
      token,
      participants: 3,
      screenshare: 2,
      fps: 2,
      duration: 4,
      // Recall's own pace: with a fast stub nothing waits long enough for drop-oldest to drop.
      rate: "realtime",
      images: meetingImages,
    }).run();
    expect(report.outcome).toBe("completed");
    const summary = await analyzer.close();
    expect(summary.received).toBe(3 * 8 + 2 * 8);
    expect(summary.dropped["queue-full"] ?? 0).toBe(0);

    const streams = byStream(describer.calls);
    expect([...streams.keys()].sort()).toEqual(["100 screenshare", "101 screenshare"]);
    // The live demo: the first frame of each second (0, 1, 2, 3), and the last screen (3.5 s)
    // when the share ended, so the final state is never lost.
    expect(streams.get("100 screenshare")?.map((call) => call.relative)).toEqual([0, 1, 2, 3, 3.5]);
    // The slide deck: 8 frames sent, two distinct slides, each described once.
    expect(streams.get("101 screenshare")?.map((call) => call.relative)).toEqual([0, 2]);
    for (const calls of streams.values()) {
      expect(new Set(calls.map((call) => digest(call.jpeg))).size).toBe(calls.length);
    }
    for (const call of describer.calls) {
      expect({ format: call.format, width: call.width, height: call.height }).toEqual({
        format: "jpeg",
        width: 1024,
        height: 576,
      });
      const metadata = await sharp(call.jpeg).metadata();
      expect({ format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({
        format: "jpeg",
        width: 1024,
        height: 576,
      });
    }
    expect(descriptions).toHaveLength(7);
    expect(descriptions[0]).toMatch(/^\(stub, no LLM called\) /);
  });

  it("drops the oldest waiting screens while the LLM is busy, so it gets the freshest one next", async () => {
    const describer = createStubDescriber();
    let release: () => void = () => {};
    const busy = new Promise<void>((resolve) => {
      release = resolve;
    });
    analyzer = await createScreenAnalyzer({
      token,
      // A slow model: the first call does not return before every frame has arrived.
      describeScreen: async (frame) => {
        const description = await describer.describeScreen(frame);
        await busy;
        return description;
      },
    });
    const address = await analyzer.listen(0);
    const ingested = firstValueFrom(
      analyzer.pipeline.frames$.pipe(
        filter((frame) => frame.type === "screenshare" && frame.participant.id === 100),
        scan((count) => count + 1, 0),
        filter((count) => count === 16),
      ),
    );
    const bot = createFakeRecallBot({
      url: `ws://127.0.0.1:${address.port}/recall/`,
      token,
      participants: 1,
      screenshare: 1,
      fps: 2,
      duration: 8,
      rate: "max",
      images: meetingImages,
    });
    const running = bot.run();
    await ingested;
    release();
    expect((await running).outcome).toBe("completed");
    const summary = await analyzer.close();

    // 16 screens (8 s of meeting) arrived while the first call was busy: waiting frames were
    // dropped oldest first as newer ones arrived, so after the first call the model gets recent
    // screens, the last of them from the meeting's final second.
    const relative = describer.calls.map((call) => call.relative);
    expect(summary.dropped["queue-full"]).toBeGreaterThan(0);
    expect(relative[0]).toBe(0);
    // Without drops the model would have been called for 0, 1, …, 7 and 7.5 s.
    expect(relative.length).toBeLessThan(9);
    expect(relative).toEqual(relative.toSorted((left, right) => left - right));
    expect(relative.at(-1)).toBeGreaterThanOrEqual(7);
  });
});
