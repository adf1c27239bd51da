import { parseRecallMessage, type RecallEvent } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { createTestFrame } from "../src/frame-factory.js";
import { renderFrame } from "../src/realistic-png.js";
import {
  audioMixedMessage,
  audioSeparateMessage,
  h264Message,
  participantEventMessage,
  transcriptMessage,
  videoFrameMessage,
  videoFrameMessageOptionsOf,
} from "../src/recall-messages.js";
import { testIds, testRecordingStart } from "../src/test-ids.js";

function parsed(message: string): RecallEvent {
  const result = parseRecallMessage(message, { receivedAt: 42 });
  if (!result.ok) throw new Error(`parse failed: ${result.problem.kind}: ${result.problem.message}`);
  return result.event;
}

describe("messages round-trip through parseRecallMessage", () => {
  it("turns a frame into a message and back into the same frame", () => {
    const frame = createTestFrame({
      recording: { id: "rec-9", metadata: { team: "blue" } },
      participant: {
        id: 12,
        name: "Ada",
        isHost: true,
        platform: null,
        email: "ada@example.com",
        extraData: { zoom: { user_guid: "x" } },
      },
      type: "screenshare",
      seq: 5,
    });
    const event = parsed(videoFrameMessage(videoFrameMessageOptionsOf(frame)));
    expect(event.kind).toBe("video-frame");
    if (event.kind !== "video-frame") return;
    const { seq: _seq, receivedAt: _receivedAt, ...expected } = frame;
    expect(event.frame).toEqual({ ...expected, receivedAt: 42 });
  });

  it("parses a realistic screenshare frame message (as a Buffer) with the PNG's size", async () => {
    const png = await renderFrame({ participantId: 3, type: "screenshare", alpha: true });
    const message = videoFrameMessage({ png, type: "screenshare", participant: { id: 3 }, bot: "omit" });
    const result = parseRecallMessage(Buffer.from(message));
    expect(result.ok).toBe(true);
    if (!result.ok || result.event.kind !== "video-frame") return;
    expect(result.event.frame.image).toMatchObject({ format: "png", width: 1280, height: 720 });
    expect(result.event.frame.image.data.equals(png)).toBe(true);
    expect(result.event.frame.bot).toBeNull();
  });

  it("parses every participant event, chat included", () => {
    const join = parsed(participantEventMessage("join", { participant: { id: 4, name: "" } }));
    expect(join).toMatchObject({
      kind: "participant",
      event: "participant_events.join",
      action: "join",
      participant: { id: 4, name: "" },
      recording: { id: testIds.recording },
      timestamp: { relative: 0, absolute: testRecordingStart },
      chat: null,
    });
    const chat = parsed(participantEventMessage("chat_message", { chat: { text: "hi", to: "everyone" } }));
    expect(chat).toMatchObject({ kind: "participant", action: "chat_message", chat: { text: "hi", to: "everyone" } });
  });

  it("parses transcripts, audio and H.264", () => {
    expect(parsed(transcriptMessage({ words: [{ text: "hi", start: 1, end: 2 }] }))).toMatchObject({
      kind: "transcript",
      partial: false,
      words: [{ text: "hi", start: 1, end: 2 }],
    });
    expect(parsed(transcriptMessage({ event: "transcript.partial_data" }))).toMatchObject({ partial: true });
    const pcm = Buffer.from([1, 2, 3, 4]);
    const mixed = parsed(audioMixedMessage({ pcm }));
    expect(mixed).toMatchObject({ kind: "audio", event: "audio_mixed_raw.data", participant: null });
    if (mixed.kind === "audio") expect(mixed.data.equals(pcm)).toBe(true);
    expect(parsed(audioSeparateMessage({ participant: { id: 6 } }))).toMatchObject({
      kind: "audio",
      participant: { id: 6 },
    });
    const accessUnit = Buffer.from([0, 0, 0, 1, 9, 0xf0]);
    const h264 = parsed(h264Message({ accessUnit }));
    expect(h264).toMatchObject({ kind: "video-h264", type: "webcam", participant: { id: 100 } });
    if (h264.kind === "video-h264") expect(h264.data.equals(accessUnit)).toBe(true);
  });
});
