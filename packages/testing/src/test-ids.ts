/**
 * Fixed, uuid-shaped ids used by every factory and message builder in this package, so frames
 * built with {@link createTestFrame} and messages built with {@link videoFrameMessage} describe the
 * same recording unless a test says otherwise.
 */
export const testIds = Object.freeze({
  recording: "5b1f6a0e-3c2d-4e8f-9a7b-1c2d3e4f5a60",
  bot: "8d7c6b5a-4f3e-4d2c-8b1a-0f9e8d7c6b5a",
  realtimeEndpoint: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  videoSeparate: "c0ffee00-1234-4abc-9def-0123456789ab",
  audioMixed: "a0d10000-5555-4aaa-8bbb-cccccccccccc",
  audioSeparate: "a0d10001-6666-4aaa-8bbb-dddddddddddd",
  transcript: "7e57c0de-7777-4aaa-8bbb-eeeeeeeeeeee",
  participantEvents: "9a27e000-8888-4aaa-8bbb-ffffffffffff",
  participantId: 100,
});

/** Wall-clock time of relative timestamp 0 in test data: 2025-01-06T09:00:00.000Z. */
export const testRecordingStart: Date = new Date(Date.UTC(2025, 0, 6, 9, 0, 0));
