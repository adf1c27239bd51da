import type { FrameType } from "@framepipe/core";

/** A participant of a simulated meeting. */
export interface PlannedParticipant {
  readonly id: number;
  /** The participant's name once known. */
  readonly name: string;
  /** Joins and sends its first frames with name `null`; an `update` gives the name later. */
  readonly lateName: boolean;
  readonly isHost: boolean;
  /** Also shares a screen. */
  readonly screenshare: boolean;
}

/** One message slot of a tick. */
export type PlannedSlot =
  | { readonly kind: "frame"; readonly participant: PlannedParticipant; readonly type: FrameType }
  | { readonly kind: "bad"; readonly index: number; readonly participant: PlannedParticipant };

/** The shape of a simulated meeting, identical for every bot of a fleet. */
export interface MeetingPlan {
  readonly participants: readonly PlannedParticipant[];
  /** Frame ticks: `round(duration × fps)`; tick `i` is at `i / fps` seconds. */
  readonly ticks: number;
  readonly fps: number;
  /** After which tick the late names are sent (-1: right after the joins, when there is no tick). */
  readonly updateAfterTick: number;
  /** Frames per tick, every stream included. */
  readonly framesPerTick: number;
  /** What tick `index` sends, in order. */
  slots(index: number): PlannedSlot[];
  /** Bad messages to send right after the joins (only when there is no tick to carry them). */
  readonly badWithoutTicks: number;
}

const names = [
  "Ada Lovelace",
  "Grace Hopper",
  "Alan Turing",
  "Katherine Johnson",
  "Edsger Dijkstra",
  "Barbara Liskov",
  "Donald Knuth",
  "Margaret Hamilton",
  "Ken Thompson",
  "Frances Allen",
  "Dennis Ritchie",
  "Radia Perlman",
  "John McCarthy",
  "Hedy Lamarr",
  "Tim Berners-Lee",
  "Annie Easley",
];

/** What a meeting plan is built from (already validated). */
export interface MeetingPlanInput {
  readonly participants: number;
  readonly screenshare: number;
  readonly lateNames: number;
  readonly fps: number;
  readonly duration: number;
  readonly bad: number;
}

/**
 * Lays out a meeting: who joins (the first participant is the host; the first `screenshare`
 * participants also share a screen; the last `lateNames` start without a name), how many ticks
 * of frames there are, and where the bad messages go (spread evenly over the ticks).
 */
export function planMeeting(input: MeetingPlanInput): MeetingPlan {
  const participants: PlannedParticipant[] = Array.from({ length: input.participants }, (_, index) => {
    const round = Math.floor(index / names.length);
    const base = names[index % names.length] as string;
    return {
      id: 100 + index,
      name: round === 0 ? base : `${base} ${round + 1}`,
      lateName: index >= input.participants - input.lateNames,
      isHost: index === 0,
      screenshare: index < input.screenshare,
    };
  });
  const ticks = Math.round(input.duration * input.fps);
  const badPerTick = new Map<number, number[]>();
  if (ticks > 0) {
    for (let bad = 0; bad < input.bad; bad += 1) {
      const tick = Math.min(ticks - 1, Math.floor((bad * ticks) / input.bad));
      badPerTick.set(tick, [...(badPerTick.get(tick) ?? []), bad]);
    }
  }
  const first = participants[0];
  return {
    participants,
    ticks,
    fps: input.fps,
    updateAfterTick: ticks === 0 ? -1 : Math.min(1, ticks - 1),
    framesPerTick: input.participants + input.screenshare,
    badWithoutTicks: ticks === 0 ? input.bad : 0,
    slots(index) {
      const slots: PlannedSlot[] = [];
      const bads = [...(badPerTick.get(index) ?? [])];
      for (const participant of participants) {
        slots.push({ kind: "frame", participant, type: "webcam" });
        if (participant.screenshare) slots.push({ kind: "frame", participant, type: "screenshare" });
        // Bad messages sit between good frames, as they would on a real, flaky sender.
        while (bads.length > 0 && first !== undefined) {
          slots.push({ kind: "bad", index: bads.shift() as number, participant: first });
        }
      }
      return slots;
    },
  };
}
