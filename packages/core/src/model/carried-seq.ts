import type { IncomingFrame } from "./video-frame.js";

/**
 * The `seq` a frame arrived with, when it is a valid stream position (a non-negative safe
 * integer): a frame relayed from another process (an ingest node's, a recording's) keeps its
 * number. `undefined` when the frame must be numbered here.
 */
export function carriedSeq(frame: IncomingFrame): number | undefined {
  const seq = frame.seq;
  return seq !== undefined && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}

/**
 * The `seq` of a frame within a stream whose next number is `stream.nextSeq`: the number it
 * carries (see {@link carriedSeq}), else the stream's next. The counter moves past a kept number,
 * so a frame that arrives unnumbered later never reuses it.
 */
export function takeSeq(stream: { nextSeq: number }, frame: IncomingFrame): number {
  const carried = carriedSeq(frame);
  if (carried === undefined) return stream.nextSeq++;
  if (carried >= stream.nextSeq) stream.nextSeq = carried + 1;
  return carried;
}
