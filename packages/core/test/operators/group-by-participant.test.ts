import { from, map, mergeMap, NEVER, type SchedulerLike, Subject, Subscription, take } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import type { GroupInfo } from "../../src/model/stream-key.js";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { SequenceCounter } from "../../src/operators/assign-sequence.js";
import { groupByParticipant } from "../../src/operators/group-by-participant.js";
import type { ParticipantGroup } from "../../src/operators/participant-group.js";
import type { RecallEvent } from "../../src/recall/recall-event.js";
import { bySeqAndName, flattenGroups } from "./support/flatten-groups.js";
import {
  audioEvent,
  frameEvent,
  h264Event,
  participantEvent,
  transcriptEvent,
  unknownEvent,
} from "./support/recall-events.js";

function createScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe("groupByParticipant", () => {
  it("groups by recording and participant and assigns seq per stream", () => {
    const scheduler = createScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold<RecallEvent>("abcdef|", {
        a: frameEvent({ participantId: 1, type: "webcam" }),
        b: frameEvent({ participantId: 2, type: "webcam" }),
        c: frameEvent({ participantId: 1, type: "screenshare" }),
        d: frameEvent({ participantId: 1, type: "webcam" }),
        e: frameEvent({ recordingId: "rec-2", participantId: 1, type: "webcam" }),
        f: frameEvent({ participantId: 2, type: "webcam" }),
      });
      expectObservable(flattenGroups(source.pipe(groupByParticipant({ scheduler })))).toBe("abcdef(xyz|)", {
        a: "rec-1#1 webcam 0",
        b: "rec-1#2 webcam 0",
        c: "rec-1#1 screenshare 0",
        d: "rec-1#1 webcam 1",
        e: "rec-2#1 webcam 0",
        f: "rec-1#2 webcam 1",
        x: "rec-1#1 end source-complete null",
        y: "rec-1#2 end source-complete null",
        z: "rec-2#1 end source-complete null",
      });
    });
  });

  it("exposes key, recording id and participant id, one group per recording for the same participant id", () => {
    const groups: ParticipantGroup[] = [];
    from([
      frameEvent({ recordingId: "rec-1", participantId: 7 }),
      frameEvent({ recordingId: "rec-2", participantId: 7 }),
      frameEvent({ recordingId: "rec-1", participantId: 7 }),
    ])
      .pipe(groupByParticipant())
      .subscribe((group) => groups.push(group));
    expect(groups.map((group) => [group.key, group.recordingId, group.participantId])).toEqual([
      ["rec-1#7", "rec-1", 7],
      ["rec-2#7", "rec-2", 7],
    ]);
    expect(groups.map((group) => group.endReason)).toEqual(["source-complete", "source-complete"]);
  });

  it("ends a group on leave, after delivering the leave event, and ignores a leave for an unknown participant", () => {
    const scheduler = createScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold<RecallEvent>("abml---c|", {
        a: frameEvent({ participantId: 1 }),
        b: frameEvent({ participantId: 2 }),
        m: participantEvent("leave", { participantId: 9 }),
        l: participantEvent("leave", { participantId: 1 }),
        c: frameEvent({ participantId: 2 }),
      });
      expectObservable(flattenGroups(source.pipe(groupByParticipant({ scheduler })))).toBe("ab-(le)c(x|)", {
        a: "rec-1#1 webcam 0",
        b: "rec-1#2 webcam 0",
        l: "rec-1#1 leave",
        e: "rec-1#1 end leave null",
        c: "rec-1#2 webcam 1",
        x: "rec-1#2 end source-complete null",
      });
    });
  });

  it("ends a group idleTimeout after its last frame; each frame restarts the timer, events do not", () => {
    const scheduler = createScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // Participant 1: frames at 0, 5 and 13, so idle at 23. Participant 2: a frame at 2 and an
      // update at 7, so idle at 12.
      const source = cold<RecallEvent>("a-b--c-u-----d 19ms |", {
        a: frameEvent({ participantId: 1 }),
        b: frameEvent({ participantId: 2 }),
        c: frameEvent({ participantId: 1 }),
        u: participantEvent("update", { participantId: 2 }),
        d: frameEvent({ participantId: 1 }),
      });
      const output = flattenGroups(source.pipe(groupByParticipant({ scheduler, idleTimeout: 10 })));
      expectObservable(output).toBe("a-b--c-u----yd 9ms x 9ms |", {
        a: "rec-1#1 webcam 0",
        b: "rec-1#2 webcam 0",
        c: "rec-1#1 webcam 1",
        u: "rec-1#2 update",
        y: "rec-1#2 end idle null",
        d: "rec-1#1 webcam 2",
        x: "rec-1#1 end idle null",
      });
    });
  });

  it("uses a two-minute idle timeout by default and never idles with Infinity", () => {
    const scheduler = createScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold<RecallEvent>("a 200s |", { a: frameEvent() });
      const values = {
        a: "rec-1#1 webcam 0",
        i: "rec-1#1 end idle null",
        c: "rec-1#1 end source-complete null",
      };
      expectObservable(flattenGroups(source.pipe(groupByParticipant({ scheduler })))).toBe(
        "a 119999ms i 80000ms |",
        values,
      );
      expectObservable(
        flattenGroups(source.pipe(groupByParticipant({ scheduler, idleTimeout: Number.POSITIVE_INFINITY }))),
      ).toBe("a 200s (c|)", values);
    });
  });

  it("starts a new group for a frame after the group ended, with seq continuing", () => {
    const scheduler = createScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold<RecallEvent>("ab-l----c 19ms d|", {
        a: frameEvent({ participantId: 1 }),
        b: frameEvent({ participantId: 1, type: "screenshare" }),
        l: participantEvent("leave", { participantId: 1 }),
        c: frameEvent({ participantId: 1 }),
        d: frameEvent({ participantId: 1, type: "screenshare" }),
      });
      const output = flattenGroups(source.pipe(groupByParticipant({ scheduler, idleTimeout: 10 })));
      // The group of `c` idles at 18; `d` at 28 opens a third group.
      expectObservable(output).toBe("ab-(le)-c 9ms i 9ms d(x|)", {
        a: "rec-1#1 webcam 0",
        b: "rec-1#1 screenshare 0",
        l: "rec-1#1 leave",
        e: "rec-1#1 end leave null",
        c: "rec-1#1 webcam 1",
        i: "rec-1#1 end idle null",
        d: "rec-1#1 screenshare 1",
        x: "rec-1#1 end source-complete null",
      });
    });
  });

  it("emits a new group object each time and can share a sequence counter across subscriptions", () => {
    const sequences = new SequenceCounter();
    const seen: Array<[ParticipantGroup, number]> = [];
    const run = () =>
      from([frameEvent(), participantEvent("leave"), frameEvent()])
        .pipe(
          groupByParticipant({ sequences }),
          mergeMap((group) => group.frames$.pipe(map((frame): [ParticipantGroup, number] => [group, frame.seq]))),
        )
        .subscribe((entry) => seen.push(entry));
    run();
    run();
    expect(seen.map(([, seq]) => seq)).toEqual([0, 1, 2, 3]);
    expect(new Set(seen.map(([group]) => group)).size).toBe(4);
    expect(seen.map(([group]) => group.endReason)).toEqual(["leave", "source-complete", "leave", "source-complete"]);
  });

  it("fills late names: an update before the first frame, an update mid-stream, null and blank names", () => {
    const scheduler = createScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold<RecallEvent>("jabucdnefg|", {
        j: participantEvent("join", { participantId: 1, name: "Ann" }),
        a: frameEvent({ participantId: 1, name: null }),
        b: frameEvent({ participantId: 2, name: null }),
        u: participantEvent("update", { participantId: 2, name: "Bob" }),
        c: frameEvent({ participantId: 2, name: "" }),
        d: frameEvent({ participantId: 2, name: "Bobby" }),
        n: participantEvent("update", { participantId: 2, name: null }),
        e: frameEvent({ participantId: 2, name: null }),
        f: frameEvent({ participantId: 1, name: "  " }),
        g: frameEvent({ participantId: 3, name: "" }),
      });
      const output = flattenGroups(source.pipe(groupByParticipant({ scheduler })), bySeqAndName);
      expectObservable(output).toBe("-abucdnefg(xyz|)", {
        a: "rec-1#1 0 Ann",
        b: "rec-1#2 0 null",
        u: "rec-1#2 update",
        c: "rec-1#2 1 Bob",
        d: "rec-1#2 2 Bobby",
        n: "rec-1#2 update",
        e: "rec-1#2 3 Bobby",
        f: "rec-1#1 1 Ann",
        g: "rec-1#3 0 ",
        x: "rec-1#1 end source-complete Ann",
        y: "rec-1#2 end source-complete Bobby",
        z: "rec-1#3 end source-complete ",
      });
    });
  });

  it("keeps the known name for a participant's next group and updates the group's participant snapshot", () => {
    const frames: VideoFrame[] = [];
    const snapshots: Array<string | null> = [];
    from([
      frameEvent({ name: "Ann" }),
      participantEvent("leave", { name: null }),
      frameEvent({ name: null }),
      participantEvent("update", { name: "Ann B." }),
    ])
      .pipe(groupByParticipant())
      .subscribe((group) => {
        snapshots.push(group.participant.name);
        group.frames$.subscribe((frame) => frames.push(frame));
        group.ended$.subscribe(() => snapshots.push(group.participant.name));
      });
    expect(frames.map((frame) => frame.participant.name)).toEqual(["Ann", "Ann"]);
    expect(snapshots).toEqual(["Ann", "Ann", "Ann", "Ann B."]);
    expect(Object.isFrozen(frames[1])).toBe(true);
  });

  it("ignores transcript, audio, H.264 and unknown events, and participant events create no group", () => {
    const scheduler = createScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold<RecallEvent>("tahkjsf|", {
        t: transcriptEvent(),
        a: audioEvent(),
        h: h264Event(),
        k: unknownEvent(),
        j: participantEvent("join", { participantId: 2 }),
        s: participantEvent("speech_on", { participantId: 2 }),
        f: frameEvent({ participantId: 2 }),
      });
      expectObservable(flattenGroups(source.pipe(groupByParticipant({ scheduler })))).toBe("------f(x|)", {
        f: "rec-1#2 webcam 0",
        x: "rec-1#2 end source-complete null",
      });
    });
  });

  it("delivers every frame, the first included, to subscribers that subscribe on emission", () => {
    const events = [
      frameEvent({ participantId: 1, type: "webcam" }),
      frameEvent({ participantId: 1, type: "screenshare" }),
      frameEvent({ participantId: 1, type: "webcam" }),
    ];
    const viaSubscribe: number[] = [];
    from(events)
      .pipe(groupByParticipant())
      .subscribe((group) => group.frames$.subscribe((frame) => viaSubscribe.push(frame.seq)));
    expect(viaSubscribe).toEqual([0, 0, 1]);

    const viaStreams: string[] = [];
    from(events)
      .pipe(
        groupByParticipant(),
        mergeMap((group) => group.streams$),
        mergeMap((stream) => stream.pipe(map((frame) => `${stream.key} ${frame.seq}`))),
      )
      .subscribe((line) => viaStreams.push(line));
    expect(viaStreams).toEqual(["webcam 0", "screenshare 0", "webcam 1"]);
  });

  it("sets endReason before frames$ completes and emits GroupInfo on ended$, replayed to late subscribers", () => {
    let reasonAtCompletion: string | null = "unset";
    let group: ParticipantGroup | undefined;
    from([frameEvent({ participantId: 4 }), participantEvent("leave", { participantId: 4 })])
      .pipe(groupByParticipant())
      .subscribe((emitted) => {
        group = emitted;
        expect(emitted.endReason).toBeNull();
        emitted.frames$.subscribe({ complete: () => (reasonAtCompletion = emitted.endReason) });
      });
    expect(reasonAtCompletion).toBe("leave");
    const infos: GroupInfo[] = [];
    group?.ended$.subscribe((info) => infos.push(info));
    expect(infos).toEqual([{ key: "rec-1#4", recordingId: "rec-1", participantId: 4, reason: "leave" }]);
  });

  it("errors the output and active groups when the input errors; ended$ completes without a value", () => {
    const scheduler = createScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold<RecallEvent>("a-#", { a: frameEvent() }, new Error("socket broke"));
      expectObservable(flattenGroups(source.pipe(groupByParticipant({ scheduler })))).toBe(
        "a-#",
        { a: "rec-1#1 webcam 0" },
        new Error("socket broke"),
      );
    });

    const input = new Subject<RecallEvent>();
    const observed: string[] = [];
    input.pipe(groupByParticipant()).subscribe({
      next: (group) => {
        group.frames$.subscribe({ error: () => observed.push("frames error") });
        group.ended$.subscribe({
          next: () => observed.push("ended value"),
          complete: () => observed.push(`ended complete ${String(group.endReason)}`),
        });
      },
      error: () => observed.push("output error"),
    });
    input.next(frameEvent());
    input.error(new Error("socket broke"));
    expect(observed).toEqual(["frames error", "ended complete null", "output error"]);
  });

  it("releases the input when the output is unsubscribed and no group is listened to", () => {
    const scheduler = createScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot<RecallEvent>("-a-b-c-", { a: frameEvent(), b: frameEvent(), c: frameEvent() });
      expectObservable(
        source.pipe(
          groupByParticipant({ scheduler }),
          take(1),
          map((group) => group.key),
        ),
      ).toBe("-(a|)", { a: "rec-1#1" });
      expectSubscriptions(source.subscriptions).toBe("^!");
    });
  });

  it("keeps the input while a group is listened to after the output unsubscribed, then releases it", () => {
    const scheduler = createScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // Participant 2 arrives after the output closed: dropped. Participant 1 idles at 13.
      const source = hot<RecallEvent>("-a-b-c 20ms d", {
        a: frameEvent({ participantId: 1 }),
        b: frameEvent({ participantId: 2 }),
        c: frameEvent({ participantId: 1 }),
        d: frameEvent({ participantId: 1 }),
      });
      const output = source.pipe(
        groupByParticipant({ scheduler, idleTimeout: 8 }),
        take(1),
        mergeMap((group) => group.frames$),
        map((frame) => `${frame.participant.id} ${frame.seq}`),
      );
      expectObservable(output).toBe("-a---c-------|", { a: "1 0", c: "1 1" });
      expectSubscriptions(source.subscriptions).toBe("^------------!");
    });
  });

  it("keeps one idle timer per active group and cancels it when the group ends", () => {
    let pending = 0;
    const scheduler: SchedulerLike = {
      now: () => 0,
      schedule: () => {
        pending += 1;
        return new Subscription(() => {
          pending -= 1;
        });
      },
    };
    const input = new Subject<RecallEvent>();
    input
      .pipe(
        groupByParticipant({ scheduler }),
        mergeMap((group) => group.frames$),
      )
      .subscribe();
    input.next(frameEvent({ participantId: 1 }));
    input.next(frameEvent({ participantId: 1 }));
    input.next(frameEvent({ participantId: 2 }));
    expect(pending).toBe(2);
    input.next(participantEvent("leave", { participantId: 1 }));
    expect(pending).toBe(1);
    input.complete();
    expect(pending).toBe(0);
  });

  it("rejects an invalid idle timeout", () => {
    for (const idleTimeout of [0, -5, Number.NaN, 2 ** 31]) {
      let thrown: unknown;
      try {
        groupByParticipant({ idleTimeout });
      } catch (error) {
        thrown = error;
      }
      expect(FramepipeError.isInstance(thrown), String(idleTimeout)).toBe(true);
      expect((thrown as FramepipeError).code).toBe("INVALID_ARGUMENT");
    }
  });

  it("completes no group while the input stays open", () => {
    const ended: string[] = [];
    const subscription = NEVER.pipe(groupByParticipant()).subscribe({ complete: () => ended.push("complete") });
    subscription.unsubscribe();
    expect(ended).toEqual([]);
  });
});
