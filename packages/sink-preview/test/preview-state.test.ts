import { createTestFrame } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { PreviewState, type PreviewStateSettings } from "../src/preview-state.js";

const settings: PreviewStateSettings = {
  fps: 2,
  maxThumbnailsPerSecond: 100,
  idleAfter: 10_000,
  removeAfter: 120_000,
  maxStreams: 3,
};

function frame(
  participantId: number,
  options: { type?: "webcam" | "screenshare"; name?: string | null; seq?: number } = {},
) {
  return createTestFrame({
    participant: {
      id: participantId,
      name: options.name === undefined ? `Participant ${participantId}` : options.name,
    },
    type: options.type ?? "webcam",
    seq: options.seq ?? 0,
  });
}

function changes(state: PreviewState): { changed: string[]; removed: string[] } {
  const seen = { changed: [] as string[], removed: [] as string[] };
  state.onChange = (id) => seen.changed.push(id);
  state.onRemove = (id) => seen.removed.push(id);
  return seen;
}

describe("PreviewState", () => {
  it("creates one tile per stream, with an opaque id, on its first frame", () => {
    const state = new PreviewState(settings);
    const webcam = state.frame(frame(1), 0, true);
    const screen = state.frame(frame(1, { type: "screenshare" }), 0, true);
    const again = state.frame(frame(1, { seq: 1 }), 600, true);
    expect(webcam?.stream.id).toMatch(/^s\d+$/);
    expect(screen?.stream.id).not.toBe(webcam?.stream.id);
    expect(again?.stream).toBe(webcam?.stream);
    expect(state.size).toBe(2);
    expect(state.view(webcam?.stream ?? expect.unreachable(), 600)).toMatchObject({
      type: "webcam",
      name: "Participant 1",
      status: "live",
      frames: 2,
      ageMs: 0,
    });
  });

  it("throttles thumbnails to fps per stream and skips frames while one is being made", () => {
    const state = new PreviewState({ ...settings, fps: 1 });
    const first = state.frame(frame(1), 0, true);
    expect(first?.encode).toBe(true);
    // Still encoding: skipped whatever the time.
    expect(state.frame(frame(1, { seq: 1 }), 2000, true)?.encode).toBe(false);
    state.thumbnailDone(first?.stream ?? expect.unreachable(), { data: Buffer.from("jpeg"), width: 4, height: 3 });
    // Done, and a second has passed since the last encode began.
    expect(state.frame(frame(1, { seq: 2 }), 2500, true)?.encode).toBe(true);
    state.thumbnailDone(first?.stream ?? expect.unreachable(), null);
    // Done, but only 0.5 s after the last encode began: over the rate.
    expect(state.frame(frame(1, { seq: 3 }), 3000, true)?.encode).toBe(false);
    expect(first?.stream.skipped).toBe(2);
    expect(first?.stream.thumbnailVersion).toBe(1);
  });

  it("tolerates jitter: at fps equal to the sender's rate a slightly early frame still gets a thumbnail", () => {
    const state = new PreviewState({ ...settings, fps: 2 });
    const first = state.frame(frame(1), 0, true);
    state.thumbnailDone(first?.stream ?? expect.unreachable(), { data: Buffer.alloc(1), width: 1, height: 1 });
    expect(state.frame(frame(1, { seq: 1 }), 480, true)?.encode).toBe(true);
  });

  it("shares maxThumbnailsPerSecond between live streams: each gets its turn, less often", () => {
    const state = new PreviewState({ ...settings, fps: 2, maxThumbnailsPerSecond: 1, maxStreams: 10 });
    const encodedAt = (now: number) =>
      [1, 2, 3, 4].filter((id) => {
        const decision = state.frame(frame(id, { seq: now }), now, true);
        if (decision?.encode) state.thumbnailDone(decision.stream, { data: Buffer.alloc(1), width: 1, height: 1 });
        return decision?.encode;
      });
    expect(encodedAt(0)).toEqual([1, 2, 3, 4]);
    // 4 live streams, 1 thumbnail a second in all: one every 4 s per stream instead of every 0.5 s.
    expect(state.thumbnailInterval()).toBe(4000);
    expect(encodedAt(500)).toEqual([]);
    expect(encodedAt(2000)).toEqual([]);
    expect(encodedAt(4000)).toEqual([1, 2, 3, 4]);
    // Streams that go quiet stop taking a share once a sweep has seen them idle.
    state.sweep(4000 + settings.idleAfter);
    state.frame(frame(1, { seq: 99 }), 4000 + settings.idleAfter, false);
    state.sweep(4000 + settings.idleAfter);
    expect(state.thumbnailInterval()).toBe(1000);
  });

  it("lets frames that are their own thumbnail (free) bypass the shared budget, not fps", () => {
    const state = new PreviewState({ ...settings, fps: 2, maxThumbnailsPerSecond: 1, maxStreams: 10 });
    for (const id of [1, 2, 3, 4]) {
      const decision = state.frame(frame(id), 0, true, true);
      state.thumbnailDone(decision?.stream ?? expect.unreachable(), { data: Buffer.alloc(1), width: 1, height: 1 });
    }
    expect(state.frame(frame(1, { seq: 1 }), 500, true, true)?.encode).toBe(true);
    expect(state.frame(frame(2, { seq: 1 }), 200, true, true)?.encode).toBe(false);
  });

  it("makes no thumbnail and counts no skip when it may not encode (no viewer)", () => {
    const state = new PreviewState(settings);
    const decision = state.frame(frame(1), 0, false);
    expect(decision?.encode).toBe(false);
    expect(decision?.stream.skipped).toBe(0);
  });

  it("takes a late name from a later frame, and keeps a name when a frame has none", () => {
    const state = new PreviewState(settings);
    const stream = state.frame(frame(1, { name: null }), 0, false)?.stream ?? expect.unreachable();
    expect(stream.name).toBeNull();
    state.frame(frame(1, { name: "Ada" }), 500, false);
    expect(stream.name).toBe("Ada");
    state.frame(frame(1, { name: "" }), 1000, false);
    expect(stream.name).toBe("Ada");
  });

  it("turns both tiles of a group left on endGroup, one tile on endStream, live again on a new frame", () => {
    const state = new PreviewState(settings);
    const seen = changes(state);
    const webcam = state.frame(frame(1), 0, false)?.stream ?? expect.unreachable();
    const screen = state.frame(frame(1, { type: "screenshare" }), 0, false)?.stream ?? expect.unreachable();
    const other = state.frame(frame(2), 0, false)?.stream ?? expect.unreachable();
    state.endStream(other.key, 100);
    expect(other.status).toBe("left");
    state.endGroup(webcam.groupKey, 200);
    expect([webcam.status, screen.status]).toEqual(["left", "left"]);
    expect(seen.changed.slice(-3)).toEqual([other.id, webcam.id, screen.id]);
    state.frame(frame(2, { seq: 1 }), 300, false);
    expect(other.status).toBe("live");
  });

  it("turns silent tiles idle after idleAfter and removes left or idle tiles after removeAfter", () => {
    const state = new PreviewState({ ...settings, idleAfter: 1000, removeAfter: 5000 });
    const seen = changes(state);
    const quiet = state.frame(frame(1), 0, false)?.stream ?? expect.unreachable();
    const leaving = state.frame(frame(2), 0, false)?.stream ?? expect.unreachable();
    state.endGroup(leaving.groupKey, 3000);
    state.sweep(999);
    expect(quiet.status).toBe("live");
    state.sweep(1000);
    expect(quiet.status).toBe("idle");
    state.sweep(5000);
    expect(seen.removed).toEqual([quiet.id]);
    expect(state.byId(quiet.id)).toBeUndefined();
    state.sweep(8000);
    expect(seen.removed).toEqual([quiet.id, leaving.id]);
    expect(state.size).toBe(0);
  });

  it("tracks at most maxStreams streams and counts the frames of the others", () => {
    const state = new PreviewState(settings);
    for (const id of [1, 2, 3, 4, 5]) state.frame(frame(id), 0, false);
    expect(state.size).toBe(3);
    expect(state.hiddenFrames).toBe(2);
  });

  it("ignores a thumbnail finished after its stream was removed", () => {
    const state = new PreviewState({ ...settings, idleAfter: 10, removeAfter: 10 });
    const seen = changes(state);
    const decision = state.frame(frame(1), 0, true) ?? expect.unreachable();
    state.sweep(100);
    state.thumbnailDone(decision.stream, { data: Buffer.alloc(1), width: 1, height: 1 });
    expect(decision.stream.thumbnailVersion).toBe(0);
    expect(seen.removed).toEqual([decision.stream.id]);
  });

  it("reports frames/s over the recent frames and the age of the last one", () => {
    const state = new PreviewState(settings);
    let stream = state.frame(frame(1), 0, false)?.stream;
    for (let seq = 1; seq <= 4; seq += 1) stream = state.frame(frame(1, { seq }), seq * 500, false)?.stream;
    const view = state.view(stream ?? expect.unreachable(), 2700);
    expect(view.fps).toBe(2);
    expect(view.ageMs).toBe(700);
  });
});
