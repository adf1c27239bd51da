import type { ParticipantAction } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { createTestPng } from "../src/frame-factory.js";
import { recallEnvelope } from "../src/recall-envelope.js";
import {
  audioMixedMessage,
  audioSeparateMessage,
  h264Message,
  participantEventMessage,
  transcriptMessage,
  videoFrameMessage,
} from "../src/recall-messages.js";
import { testIds } from "../src/test-ids.js";

const participantActions: readonly ParticipantAction[] = [
  "join",
  "leave",
  "update",
  "speech_on",
  "speech_off",
  "webcam_on",
  "webcam_off",
  "screenshare_on",
  "screenshare_off",
  "chat_message",
];

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect parsed JSON of any shape.
type Json = any;

function parse(message: string): Json {
  return JSON.parse(message);
}

describe("videoFrameMessage", () => {
  it("builds exactly Recall's envelope with default ids", () => {
    const png = createTestPng({ seq: 3 });
    const message = parse(videoFrameMessage({ png }));
    expect(Object.keys(message)).toEqual(["event", "data"]);
    expect(message.event).toBe("video_separate_png.data");
    expect(Object.keys(message.data)).toEqual(["data", "realtime_endpoint", "video_separate", "recording", "bot"]);
    expect(message.data.recording).toEqual({ id: testIds.recording, metadata: {} });
    expect(message.data.bot).toEqual({ id: testIds.bot, metadata: {} });
    expect(message.data.realtime_endpoint).toEqual({ id: testIds.realtimeEndpoint, metadata: {} });
    expect(message.data.video_separate).toEqual({ id: testIds.videoSeparate, metadata: {} });
    expect(Object.keys(message.data.data)).toEqual(["buffer", "timestamp", "type", "participant"]);
    expect(Buffer.from(message.data.data.buffer, "base64").equals(png)).toBe(true);
    expect(message.data.data.timestamp).toEqual({ relative: 0, absolute: "2025-01-06T09:00:00.000Z" });
    expect(message.data.data.type).toBe("webcam");
    expect(message.data.data.participant).toEqual({
      id: 100,
      name: "Participant 100",
      is_host: false,
      platform: "desktop",
      extra_data: {},
    });
  });

  it("maps camelCase inputs to Recall's snake_case and honours every option", () => {
    const message = parse(
      videoFrameMessage({
        recording: { id: "rec", metadata: { team: "a" } },
        bot: null,
        realtimeEndpoint: { id: "endpoint" },
        resource: { id: "vs" },
        participant: {
          id: 12,
          name: "Ada",
          isHost: true,
          platform: "dial-in",
          email: "ada@example.com",
          extraData: { zoom: { user_guid: "g" } },
        },
        type: "screenshare",
        timestamp: { relative: 1.5, absolute: "2024-05-01T10:00:01.500Z" },
        base64: "AAAA",
      }),
    );
    expect(message.data.recording).toEqual({ id: "rec", metadata: { team: "a" } });
    expect(message.data.bot).toBeNull();
    expect(message.data.realtime_endpoint.id).toBe("endpoint");
    expect(message.data.video_separate.id).toBe("vs");
    expect(message.data.data).toEqual({
      buffer: "AAAA",
      timestamp: { relative: 1.5, absolute: "2024-05-01T10:00:01.500Z" },
      type: "screenshare",
      participant: {
        id: 12,
        name: "Ada",
        is_host: true,
        platform: "dial-in",
        extra_data: { zoom: { user_guid: "g" } },
        email: "ada@example.com",
      },
    });
  });

  it("can leave out the bot and optional participant fields, as some senders do", () => {
    const message = parse(videoFrameMessage({ bot: "omit", participant: { omit: ["platform", "extra_data"] } }));
    expect("bot" in message.data).toBe(false);
    expect(Object.keys(message.data.data.participant)).toEqual(["id", "name", "is_host"]);
  });
});

describe("participantEventMessage", () => {
  it.each(participantActions)("builds participant_events.%s with data only for chat", (action) => {
    const message = parse(participantEventMessage(action, { participant: { id: 3 }, timestamp: { relative: 2 } }));
    expect(message.event).toBe(`participant_events.${action}`);
    expect(Object.keys(message.data)).toEqual(["data", "realtime_endpoint", "participant_events", "recording", "bot"]);
    expect(message.data.participant_events.id).toBe(testIds.participantEvents);
    expect(Object.keys(message.data.data)).toEqual(["participant", "timestamp", "data"]);
    expect(message.data.data.participant.id).toBe(3);
    expect(message.data.data.timestamp).toEqual({ absolute: "2025-01-06T09:00:02.000Z", relative: 2 });
    expect(message.data.data.data).toEqual(
      action === "chat_message" ? { text: "Hello everyone", to: "everyone" } : null,
    );
  });

  it("carries a given chat message", () => {
    const message = parse(participantEventMessage("chat_message", { chat: { text: "hi", to: null } }));
    expect(message.data.data.data).toEqual({ text: "hi", to: null });
  });
});

describe("other events", () => {
  it("builds transcript.data and transcript.partial_data with words", () => {
    const message = parse(transcriptMessage({ words: [{ text: "hi", start: 1, end: null }] }));
    expect(message.event).toBe("transcript.data");
    expect(Object.keys(message.data)).toEqual(["data", "realtime_endpoint", "transcript", "recording", "bot"]);
    expect(message.data.data).toEqual({
      words: [{ text: "hi", start_timestamp: { relative: 1 }, end_timestamp: null }],
      participant: { id: 100, name: "Participant 100", is_host: false, platform: "desktop", extra_data: {} },
    });
    const partial = parse(transcriptMessage({ event: "transcript.partial_data", participant: null }));
    expect(partial.event).toBe("transcript.partial_data");
    expect(partial.data.data.participant).toBeNull();
    expect(partial.data.data.words).toHaveLength(2);
  });

  it("builds transcript.provider_data with the provider payload as data", () => {
    const message = parse(transcriptMessage({ event: "transcript.provider_data", providerData: { raw: 1 } }));
    expect(message.data.data).toEqual({ raw: 1 });
    expect(message.data.transcript.id).toBe(testIds.transcript);
  });

  it("builds audio_mixed_raw.data and audio_separate_raw.data with base64 PCM", () => {
    const pcm = Buffer.from([1, 0, 2, 0]);
    const mixed = parse(audioMixedMessage({ pcm, timestamp: { relative: 3 } }));
    expect(mixed.event).toBe("audio_mixed_raw.data");
    expect(Object.keys(mixed.data)).toEqual(["data", "realtime_endpoint", "audio_mixed", "recording", "bot"]);
    expect(mixed.data.data).toEqual({
      buffer: pcm.toString("base64"),
      timestamp: { absolute: "2025-01-06T09:00:03.000Z", relative: 3 },
    });
    const separate = parse(audioSeparateMessage({ participant: { id: 8 } }));
    expect(separate.event).toBe("audio_separate_raw.data");
    expect(Object.keys(separate.data)).toEqual(["data", "realtime_endpoint", "audio_separate", "recording", "bot"]);
    expect(Object.keys(separate.data.data)).toEqual(["buffer", "timestamp", "participant"]);
    expect(Buffer.from(separate.data.data.buffer, "base64").length).toBe(640);
    expect(separate.data.data.participant.id).toBe(8);
  });

  it("builds video_separate_h264.data shaped like the PNG event", () => {
    const accessUnit = Buffer.from([0, 0, 0, 1, 0x65, 0x88]);
    const message = parse(h264Message({ accessUnit, type: "screenshare" }));
    expect(message.event).toBe("video_separate_h264.data");
    expect(Object.keys(message.data)).toEqual(["data", "realtime_endpoint", "video_separate", "recording", "bot"]);
    expect(Object.keys(message.data.data)).toEqual(["buffer", "timestamp", "type", "participant"]);
    expect(Buffer.from(message.data.data.buffer, "base64").equals(accessUnit)).toBe(true);
  });

  it("wraps any event name with recallEnvelope", () => {
    const envelope = recallEnvelope("participant_event.join", "participant_events", { x: 1 }, { bot: null });
    expect(envelope).toEqual({
      event: "participant_event.join",
      data: {
        data: { x: 1 },
        realtime_endpoint: { id: testIds.realtimeEndpoint, metadata: {} },
        participant_events: { id: testIds.participantEvents, metadata: {} },
        recording: { id: testIds.recording, metadata: {} },
        bot: null,
      },
    });
  });
});
