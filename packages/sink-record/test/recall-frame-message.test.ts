import { parseRecallMessage } from "@framepipe/core";
import { createTestFrame, videoFrameMessage, videoFrameMessageOptionsOf } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { recallFrameMessage } from "../src/index.js";

describe("recallFrameMessage", () => {
  const frames = {
    "a full frame": createTestFrame({
      recording: { id: "rec-1", metadata: { team: "sales" } },
      bot: { id: "bot-1", metadata: { region: "eu" } },
      participant: {
        id: 7,
        name: "Ada",
        isHost: true,
        email: "ada@example.com",
        extraData: { zoom: { user_guid: "g" } },
      },
      type: "screenshare",
      timestamp: { relative: 12.345, absolute: new Date("2025-01-06T09:00:12.345Z") },
      seq: 24,
    }),
    "a nameless participant without platform or bot": createTestFrame({
      participant: { id: 9, name: null, platform: null, email: null },
      bot: null,
    }),
  };

  for (const [label, frame] of Object.entries(frames)) {
    it(`is exactly the message @framepipe/testing builds for ${label}`, () => {
      expect(recallFrameMessage(frame)).toBe(videoFrameMessage(videoFrameMessageOptionsOf(frame)));
    });

    it(`parses back to ${label}, image bytes and all`, () => {
      const result = parseRecallMessage(recallFrameMessage(frame));
      expect(result.ok).toBe(true);
      if (!result.ok || result.event.kind !== "video-frame") return;
      const { receivedAt: _received, seq: _seq, ...expected } = frame;
      const { receivedAt: _parsedReceived, ...parsed } = result.event.frame;
      expect(parsed).toEqual(expected);
      expect(result.event.frame.image.data.equals(frame.image.data)).toBe(true);
    });
  }

  it("writes bot: null and the snake_case participant keys in Recall's order", () => {
    const message = JSON.parse(recallFrameMessage(frames["a nameless participant without platform or bot"]));
    expect(Object.keys(message)).toEqual(["event", "data"]);
    expect(Object.keys(message.data)).toEqual(["data", "realtime_endpoint", "video_separate", "recording", "bot"]);
    expect(message.data.bot).toBeNull();
    expect(Object.keys(message.data.data.participant)).toEqual([
      "id",
      "name",
      "is_host",
      "platform",
      "extra_data",
      "email",
    ]);
    expect(message.data.data.participant.name).toBeNull();
  });

  it("writes a null absolute time for a frame whose Date is invalid, instead of throwing", () => {
    const frame = createTestFrame({ timestamp: { relative: 1, absolute: new Date(Number.NaN) } });
    const message = JSON.parse(recallFrameMessage(frame));
    expect(message.data.data.timestamp).toEqual({ relative: 1, absolute: null });
  });
});
