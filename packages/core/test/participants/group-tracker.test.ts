import { describe, expect, it } from "vitest";
import type { StreamInfo } from "../../src/model/stream-key.js";
import type { GroupEnd } from "../../src/participants/group-end.js";
import { GroupTracker, MAX_TIMER_DELAY_MS } from "../../src/participants/group-tracker.js";
import { ParticipantDirectory } from "../../src/participants/participant-directory.js";
import { ManualClock } from "../runtime/support/manual-clock.js";

function tracker(idleTimeout: number, directory = new ParticipantDirectory()) {
  const clock = new ManualClock();
  const ends: string[] = [];
  const groups = new GroupTracker(directory, idleTimeout, clock, (end: GroupEnd, streams: readonly StreamInfo[]) =>
    ends.push(
      `${end.info.key} ${end.info.reason} ${end.streamCount} ${streams.map((stream) => stream.type).join(",")}`,
    ),
  );
  /** One frame of the participant's stream. */
  const frame = (participantId: number, type: "webcam" | "screenshare" = "webcam") => {
    const participant = groups.participant("rec", participantId);
    groups.touch(participant, groups.stream(participant, type));
    return participant;
  };
  return { clock, ends, groups, frame };
}

describe("GroupTracker", () => {
  it("opens a group on the first frame and ends it with the streams it had, in order", () => {
    const { ends, groups, frame } = tracker(1000);
    const participant = frame(1, "screenshare");
    frame(1, "webcam");
    frame(1, "screenshare");
    expect(groups.size).toBe(1);
    expect(groups.end(participant, "leave")).toBe(true);
    expect(groups.end(participant, "leave")).toBe(false);
    expect(groups.size).toBe(0);
    expect(ends).toEqual(["rec#1 leave 2 screenshare,webcam"]);
    // The next group lists only its own streams.
    frame(1, "webcam");
    groups.endAll("shutdown");
    expect(ends.at(-1)).toBe("rec#1 shutdown 1 webcam");
  });

  it("ends a group idleTimeout after its last frame, with one timer per group", () => {
    const { clock, ends, frame } = tracker(1000);
    frame(1);
    frame(2);
    clock.advance(600);
    frame(1);
    expect(clock.pending).toBe(2);
    clock.advance(400);
    expect(ends).toEqual(["rec#2 idle 1 webcam"]);
    clock.advance(599);
    expect(ends).toHaveLength(1);
    clock.advance(1);
    expect(ends).toEqual(["rec#2 idle 1 webcam", "rec#1 idle 1 webcam"]);
    expect(clock.pending).toBe(0);
  });

  it("never idles with Infinity, and reaches timeouts beyond the longest timer in several timers", () => {
    const forever = tracker(Number.POSITIVE_INFINITY);
    forever.frame(1);
    expect(forever.clock.pending).toBe(0);

    const long = tracker(MAX_TIMER_DELAY_MS + 10);
    long.frame(1);
    long.clock.advance(MAX_TIMER_DELAY_MS);
    expect(long.ends).toEqual([]);
    expect(long.clock.pending).toBe(1);
    long.clock.advance(10);
    expect(long.ends).toEqual(["rec#1 idle 1 webcam"]);
  });

  it("ends every group in opening order, or closes them without ending on clear", () => {
    const { clock, ends, groups, frame } = tracker(1000);
    frame(2);
    frame(1);
    groups.endAll("source-complete");
    expect(ends).toEqual(["rec#2 source-complete 1 webcam", "rec#1 source-complete 1 webcam"]);
    frame(3);
    groups.clear();
    expect(groups.size).toBe(0);
    expect(clock.pending).toBe(0);
    expect(ends).toHaveLength(2);
  });

  it("pins participants while their group is open, so only closed ones are forgotten", () => {
    const { groups, frame } = tracker(1000, new ParticipantDirectory(1));
    const first = frame(1);
    groups.stream(first, "webcam").nextSeq = 7;
    const second = frame(2);
    groups.end(second, "leave");
    frame(3);
    // 1 is pinned by its open group, so it kept its counter although the limit is 1; 2, released,
    // was forgotten when 3 arrived.
    expect(groups.participant("rec", 1)).toBe(first);
    expect(groups.stream(first, "webcam").nextSeq).toBe(7);
    expect(groups.participant("rec", 2)).not.toBe(second);
    groups.end(first, "leave");
    // Released last, 1 is the most recently used forgettable participant: it stays.
    expect(groups.participant("rec", 1)).toBe(first);
  });

  it("remembers names and fills them in through its directory", () => {
    const { groups } = tracker(1000);
    const participant = groups.participant("rec", 1);
    groups.rememberName(participant, "Ann");
    groups.rememberName(participant, " ");
    expect(participant.name).toBe("Ann");
    expect(groups.nameFor(participant, null)).toBe("Ann");
    expect(groups.nameFor(participant, "Ann B.")).toBe("Ann B.");
  });
});
