import { from, lastValueFrom, map, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { streamKeyOf } from "../../src/model/stream-key.js";
import { assignSequence, SequenceCounter } from "../../src/operators/assign-sequence.js";
import { incomingFrame } from "./support/recall-events.js";

function createScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe("assignSequence", () => {
  it("numbers each stream from 0, interleaved across participants, types and recordings", () => {
    createScheduler().run(({ cold, expectObservable }) => {
      const source = cold("abcdefg|", {
        a: incomingFrame({ participantId: 1, type: "webcam" }),
        b: incomingFrame({ participantId: 2, type: "webcam" }),
        c: incomingFrame({ participantId: 1, type: "screenshare" }),
        d: incomingFrame({ participantId: 1, type: "webcam" }),
        e: incomingFrame({ recordingId: "rec-2", participantId: 1, type: "webcam" }),
        f: incomingFrame({ participantId: 2, type: "webcam" }),
        g: incomingFrame({ participantId: 1, type: "screenshare" }),
      });
      const labelled = source.pipe(
        assignSequence(),
        map((frame) => `${frame.recording.id}/${frame.participant.id}/${frame.type}/${frame.seq}`),
      );
      expectObservable(labelled).toBe("abcdefg|", {
        a: "rec-1/1/webcam/0",
        b: "rec-1/2/webcam/0",
        c: "rec-1/1/screenshare/0",
        d: "rec-1/1/webcam/1",
        e: "rec-2/1/webcam/0",
        f: "rec-1/2/webcam/1",
        g: "rec-1/1/screenshare/1",
      });
    });
  });

  it("keeps the seq a frame arrives with and moves the stream's counter past it", async () => {
    const relayed = (seq: number) => ({ ...incomingFrame(), seq });
    const frames = from([relayed(5), incomingFrame(), relayed(2), incomingFrame(), relayed(-3)]);
    const seqs = await lastValueFrom(
      frames.pipe(
        assignSequence(),
        map((frame) => frame.seq),
        toArray(),
      ),
    );
    expect(seqs).toEqual([5, 6, 2, 7, 8]);
  });

  it("returns frozen frames that keep every other field", async () => {
    const incoming = incomingFrame({ participantId: 3, name: "Ann" });
    const [frame] = await lastValueFrom(from([incoming]).pipe(assignSequence(), toArray()));
    expect(frame).toEqual({ ...incoming, seq: 0 });
    expect(Object.isFrozen(frame)).toBe(true);
  });

  it("starts every subscription at 0 without a counter, and continues with a shared one", async () => {
    const frames = from([incomingFrame(), incomingFrame()]);
    const seqs = (operator: ReturnType<typeof assignSequence>) =>
      lastValueFrom(
        frames.pipe(
          operator,
          map((frame) => frame.seq),
          toArray(),
        ),
      );

    const fresh = assignSequence();
    expect(await seqs(fresh)).toEqual([0, 1]);
    expect(await seqs(fresh)).toEqual([0, 1]);

    const shared = assignSequence(new SequenceCounter());
    expect(await seqs(shared)).toEqual([0, 1]);
    expect(await seqs(shared)).toEqual([2, 3]);
  });
});

describe("SequenceCounter", () => {
  it("counts per key and can peek, delete and clear", () => {
    const counter = new SequenceCounter();
    const webcam = streamKeyOf("rec-1", 1, "webcam");
    const screenshare = streamKeyOf("rec-1", 1, "screenshare");
    expect([counter.next(webcam), counter.next(webcam), counter.next(screenshare)]).toEqual([0, 1, 0]);
    expect(counter.peek(webcam)).toBe(2);
    expect(counter.size).toBe(2);
    expect(counter.delete(webcam)).toBe(true);
    expect(counter.next(webcam)).toBe(0);
    counter.clear();
    expect(counter.size).toBe(0);
    expect(counter.maxStreams).toBe(100_000);
  });

  it("forgets the least recently used stream past maxStreams", () => {
    const counter = new SequenceCounter({ maxStreams: 2 });
    counter.next("a");
    counter.next("b");
    counter.next("a"); // "a" is now more recent than "b"
    counter.next("c"); // evicts "b"
    expect(counter.size).toBe(2);
    expect(counter.peek("a")).toBe(2);
    expect(counter.peek("b")).toBe(0);
    expect(counter.peek("c")).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects maxStreams %s", (maxStreams) => {
    let thrown: unknown;
    try {
      new SequenceCounter({ maxStreams });
    } catch (error) {
      thrown = error;
    }
    expect(FramepipeError.isInstance(thrown)).toBe(true);
    expect((thrown as FramepipeError).code).toBe("INVALID_ARGUMENT");
  });
});
