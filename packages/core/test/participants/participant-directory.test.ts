import { describe, expect, it } from "vitest";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { ParticipantDirectory } from "../../src/participants/participant-directory.js";

describe("ParticipantDirectory", () => {
  it("finds the same participant and stream records, with keys built once", () => {
    const directory = new ParticipantDirectory();
    const participant = directory.get("rec-1", 7);
    expect(directory.get("rec-1", 7)).toBe(participant);
    expect(directory.get("rec-2", 7)).not.toBe(participant);
    expect(participant.groupKey).toBe("rec-1#7");
    const webcam = directory.stream(participant, "webcam");
    expect(directory.stream(participant, "webcam")).toBe(webcam);
    expect(webcam.info).toEqual({
      key: "rec-1#7#webcam",
      groupKey: "rec-1#7",
      recordingId: "rec-1",
      participantId: 7,
      type: "webcam",
    });
    expect(Object.isFrozen(webcam.info)).toBe(true);
    expect(directory.stream(participant, "screenshare").info.key).toBe("rec-1#7#screenshare");
  });

  it("forgets the least recently used participants past its limit, never a pinned one", () => {
    const directory = new ParticipantDirectory(2);
    const first = directory.get("rec", 1);
    directory.stream(first, "webcam").nextSeq = 5;
    directory.pin(first);
    const second = directory.get("rec", 2);
    const third = directory.get("rec", 3);
    const fourth = directory.get("rec", 4);
    // Over the limit of 2 unpinned: 2, the oldest, was forgotten; 1 is pinned, so kept with its counter.
    expect(directory.size).toBe(3);
    expect(directory.get("rec", 1)).toBe(first);
    expect(directory.stream(first, "webcam").nextSeq).toBe(5);

    expect(directory.get("rec", 3)).toBe(third);
    directory.unpin(first);
    // Looking 3 up made 4 the least recently used: releasing 1 forgets 4.
    expect(directory.size).toBe(2);
    expect(directory.get("rec", 3)).toBe(third);
    expect(directory.get("rec", 1)).toBe(first);
    const returning = directory.get("rec", 4);
    expect(returning).not.toBe(fourth);
    expect(directory.stream(returning, "webcam").nextSeq).toBe(0);
    expect(directory.get("rec", 2)).not.toBe(second);
  });

  it("finds a participant without remembering it or changing its recency", () => {
    const directory = new ParticipantDirectory(2);
    expect(directory.find("rec", 1)).toBeUndefined();
    expect(directory.size).toBe(0);
    const first = directory.get("rec", 1);
    directory.get("rec", 2);
    expect(directory.find("rec", 1)).toBe(first);
    // Finding 1 did not make it recent: it is still the oldest, so 3 pushes it out.
    directory.get("rec", 3);
    expect(directory.find("rec", 1)).toBeUndefined();
  });

  it("remembers names that are not null or blank, and fills them into names that are", () => {
    const directory = new ParticipantDirectory();
    const participant = directory.get("rec", 1);
    expect(directory.nameFor(participant, null)).toBeNull();
    expect(directory.nameFor(participant, "")).toBe("");
    expect(directory.nameFor(participant, "Ann")).toBe("Ann");
    expect(directory.nameFor(participant, null)).toBe("Ann");
    expect(directory.nameFor(participant, "  ")).toBe("Ann");
    directory.rememberName(participant, " ");
    directory.rememberName(participant, null);
    expect(participant.name).toBe("Ann");
    directory.rememberName(participant, "Ann B.");
    expect(directory.nameFor(participant, "")).toBe("Ann B.");
  });

  it("forgets everyone on clear, and rejects a limit below one", () => {
    const directory = new ParticipantDirectory();
    const participant = directory.get("rec", 1);
    directory.pin(participant);
    directory.get("rec", 2);
    directory.clear();
    expect(directory.size).toBe(0);
    expect(directory.get("rec", 1)).not.toBe(participant);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => new ParticipantDirectory(limit), String(limit)).toThrow(FramepipeError);
    }
  });
});
