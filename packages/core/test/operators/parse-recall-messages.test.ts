import { from, lastValueFrom, map, mergeMap, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { groupByParticipant } from "../../src/operators/group-by-participant.js";
import { parseRecallMessages, parseRecallResults } from "../../src/operators/parse-recall-messages.js";
import type { ParseProblem, RecallEvent } from "../../src/recall/recall-event.js";
import { participantMessage, pngMessage } from "./support/recall-messages.js";

function createScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

function describeEvent(event: RecallEvent): string {
  if (event.kind === "video-frame") return `frame ${event.frame.participant.id} ${event.frame.type}`;
  return event.event;
}

describe("parseRecallMessages", () => {
  it("emits events for good messages and reports every bad one without erroring", () => {
    const problems: ParseProblem[] = [];
    createScheduler().run(({ cold, expectObservable }) => {
      const source = cold<string | Buffer>("abcdefgh|", {
        a: pngMessage({ participantId: 3 }),
        b: "not json {",
        c: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
        d: JSON.stringify({ event: "video_separate_png.data", data: {} }),
        e: pngMessage({ image: Buffer.from("GIF89a") }),
        f: Buffer.from(participantMessage("join", { participantId: 3, name: "Ann" })),
        g: `{"event":"x","padding":"${"x".repeat(5000)}"}`,
        h: JSON.stringify({ event: "participant_event.join", data: {} }),
      });
      const events = source.pipe(
        parseRecallMessages({ maxBytes: 4096, onProblem: (problem) => problems.push(problem) }),
        map(describeEvent),
      );
      expectObservable(events).toBe("a----f-h|", {
        a: "frame 3 webcam",
        f: "participant_events.join",
        h: "participant_event.join",
      });
    });
    expect(problems.map((problem) => problem.kind)).toEqual([
      "invalid-json",
      "invalid-utf8",
      "schema",
      "not-png",
      "too-large",
    ]);
    expect(problems.every((problem) => problem.bytes > 0)).toBe(true);
  });

  it("drops problems silently without onProblem", async () => {
    const events = await lastValueFrom(
      from(["", "[]", "null", pngMessage({ type: "screenshare" })]).pipe(parseRecallMessages(), toArray()),
    );
    expect(events.map(describeEvent)).toEqual(["frame 1 screenshare"]);
  });

  it("passes parse options through: receivedAt stamps every event", async () => {
    const events = await lastValueFrom(
      from([pngMessage(), participantMessage("leave")]).pipe(parseRecallMessages({ receivedAt: 42 }), toArray()),
    );
    expect(events.map((event) => (event.kind === "video-frame" ? event.frame.receivedAt : event.receivedAt))).toEqual([
      42, 42,
    ]);
  });

  it("feeds groupByParticipant with no config: late names and leave", async () => {
    const lines = await lastValueFrom(
      from([
        participantMessage("join", { participantId: 5, name: "Ann" }),
        pngMessage({ participantId: 5 }),
        pngMessage({ participantId: 5, type: "screenshare" }),
        participantMessage("leave", { participantId: 5 }),
      ]).pipe(
        parseRecallMessages(),
        groupByParticipant(),
        mergeMap((group) =>
          group.frames$.pipe(map((frame) => `${group.key} ${frame.type} ${frame.seq} ${frame.participant.name}`)),
        ),
        toArray(),
      ),
    );
    expect(lines).toEqual(["rec-1#5 webcam 0 Ann", "rec-1#5 screenshare 0 Ann"]);
  });
});

describe("parseRecallResults", () => {
  it("keeps problems inline, in order", async () => {
    const results = await lastValueFrom(
      from([pngMessage(), "{", participantMessage("update", { name: "Bob" })]).pipe(parseRecallResults(), toArray()),
    );
    expect(
      results.map((result) => (result.ok ? describeEvent(result.event) : `problem ${result.problem.kind}`)),
    ).toEqual(["frame 1 webcam", "problem invalid-json", "participant_events.update"]);
  });
});
