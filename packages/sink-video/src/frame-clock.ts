/** Where a stream's current file stands on the output clock. */
export interface ClockState {
  /** `timestamp.relative` (seconds) of the file's first frame: slot 0. */
  readonly start: number;
  /** The next slot to write (images written so far). */
  readonly nextSlot: number;
  /** `timestamp.relative` of the last frame written. */
  readonly lastRelative: number;
}

/** Clock settings: output rate and the limits that start a new file. */
export interface ClockSettings {
  readonly fps: number;
  /** Milliseconds: a longer gap between two frames starts a new segment. */
  readonly maxGap: number;
  /** Milliseconds: the longest file; 0 for no limit. */
  readonly segment: number;
}

/** What to do with a frame. */
export type Placement =
  /** Not written: its time is not after the last frame's (`late`, `duplicate`), it falls in a slot already written (`same-slot`), or it has no usable time. */
  | { readonly kind: "drop"; readonly reason: "late" | "duplicate" | "same-slot" | "invalid-time" }
  /** The current file ends (`max-gap`, `segment`); the frame is slot 0 of the next one. */
  | { readonly kind: "next-segment"; readonly reason: "max-gap" | "segment" }
  /** `fill` gap images first, then the frame, which lands on slot `slot`. */
  | { readonly kind: "write"; readonly fill: number; readonly slot: number };

/**
 * Places a frame on a file's constant-rate clock: slot = round((relative − start) × fps). Slots
 * between the last written one and the frame's are filled (repeat or black), so the video's
 * duration follows the frames' timestamps whatever their arrival jitter; a gap longer than
 * `maxGap`, or a slot beyond `segment`, starts a new file instead.
 */
export function placeFrame(clock: ClockState, relative: number, settings: ClockSettings): Placement {
  if (!Number.isFinite(relative)) return { kind: "drop", reason: "invalid-time" };
  if (relative < clock.lastRelative) return { kind: "drop", reason: "late" };
  if (relative === clock.lastRelative) return { kind: "drop", reason: "duplicate" };
  if ((relative - clock.lastRelative) * 1000 > settings.maxGap) return { kind: "next-segment", reason: "max-gap" };
  const slot = Math.round((relative - clock.start) * settings.fps);
  if (slot < clock.nextSlot) return { kind: "drop", reason: "same-slot" };
  if (settings.segment > 0 && (slot / settings.fps) * 1000 >= settings.segment) {
    return { kind: "next-segment", reason: "segment" };
  }
  return { kind: "write", fill: slot - clock.nextSlot, slot };
}
