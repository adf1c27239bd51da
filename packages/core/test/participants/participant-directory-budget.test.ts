import { describe, expect, it } from "vitest";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import {
  MAX_REMEMBERED_PARTICIPANT_BYTES,
  ParticipantDirectory,
} from "../../src/participants/participant-directory.js";
import { participantFootprint } from "../../src/participants/participant-footprint.js";

/** The estimate of a participant of recording `rec` with `streams` streams and `name`. */
function footprint(name: string | null, streams = 0): number {
  return participantFootprint({ recordingId: "rec", name, streams: { size: streams } });
}

describe("ParticipantDirectory: the byte budget", () => {
  it("counts the estimated bytes of every participant as names and streams arrive, and as they go", () => {
    const directory = new ParticipantDirectory();
    const first = directory.get("rec", 1);
    directory.stream(first, "webcam");
    directory.rememberName(first, "Ann");
    const second = directory.get("rec", 2);
    directory.pin(second);
    expect(directory.nameFor(second, "Bob Bobson")).toBe("Bob Bobson");
    expect(directory.stats).toEqual({
      remembered: 2,
      bytes: footprint("Ann", 1) + footprint("Bob Bobson"),
      forgottenOverCount: 0,
      forgottenOverBytes: 0,
    });
    directory.clear();
    expect(directory.stats).toMatchObject({ remembered: 0, bytes: 0 });
  });

  it("forgets the least recently used participants once their bytes pass the budget", () => {
    const directory = new ParticipantDirectory(100, 3 * footprint(null));
    for (const id of [1, 2, 3]) directory.get("rec", id);
    expect(directory.stats).toMatchObject({ remembered: 3, forgottenOverBytes: 0 });
    directory.get("rec", 1); // 2 is now the least recently used
    directory.get("rec", 4);
    expect(directory.find("rec", 2)).toBeUndefined();
    expect(directory.find("rec", 1)).toBeDefined();
    expect(directory.stats).toEqual({
      remembered: 3,
      bytes: 3 * footprint(null),
      forgottenOverCount: 0,
      forgottenOverBytes: 1,
    });
  });

  it("forgets others when a remembered name grows a participant past the budget, never the newest", () => {
    const directory = new ParticipantDirectory(100, 3 * footprint(null));
    for (const id of [1, 2, 3]) directory.get("rec", id);
    const third = directory.find("rec", 3);
    if (third === undefined) throw new Error("expected participant 3");
    directory.rememberName(third, "x".repeat(10_000));
    // Alone over the budget, the most recently used one stays: a participant just looked up is always there.
    expect(directory.stats).toMatchObject({ remembered: 1, forgottenOverBytes: 2 });
    expect(directory.find("rec", 3)).toBe(third);
  });

  it("does not count pinned participants against the budget, and counts forgetting past the count limit apart", () => {
    const directory = new ParticipantDirectory(2, 2 * footprint(null));
    const pinned = directory.get("rec", 1);
    directory.pin(pinned);
    directory.rememberName(pinned, "y".repeat(10_000));
    for (const id of [2, 3, 4]) directory.get("rec", id);
    expect(directory.find("rec", 1)).toBe(pinned);
    expect(directory.stats).toMatchObject({ remembered: 3, forgottenOverCount: 1, forgottenOverBytes: 0 });
  });

  it("holds 200 joins with 1 MB names (names the parser did not bound) within the default budget", () => {
    const directory = new ParticipantDirectory();
    for (let id = 0; id < 200; id += 1) {
      directory.rememberName(directory.get("rec", id), `${id}${"n".repeat(1024 * 1024)}`);
    }
    const { remembered, bytes, forgottenOverBytes } = directory.stats;
    expect(bytes).toBeLessThanOrEqual(MAX_REMEMBERED_PARTICIPANT_BYTES);
    expect(remembered).toBeLessThan(200);
    expect(remembered + forgottenOverBytes).toBe(200);
  });

  it("rejects a budget that is not a positive integer", () => {
    for (const maxBytes of [0, -1, 1.5, Number.NaN]) {
      expect(() => new ParticipantDirectory(10, maxBytes), String(maxBytes)).toThrow(FramepipeError);
    }
  });
});
