/** One line of a replay file, or a line too long to keep. Numbers count from 1, blank lines included. */
export type LineItem =
  | { readonly kind: "line"; readonly number: number; readonly line: Buffer }
  | { readonly kind: "too-long"; readonly number: number; readonly bytes: number };

const newline = 0x0a;
const carriageReturn = 0x0d;

function trimmed(pieces: readonly Buffer[], size: number): Buffer {
  const line = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, size);
  return line.length > 0 && line[line.length - 1] === carriageReturn ? line.subarray(0, line.length - 1) : line;
}

/**
 * Splits a byte stream into lines, pulling one chunk at a time: when the consumer stops pulling,
 * nothing more is read, so a paused replay holds at most one line plus the stream's own buffer.
 * A line longer than `maxLineBytes` is not kept (its bytes are dropped as they arrive) and comes out
 * as `too-long`. Blank lines are skipped; a last line without a newline is still a line.
 *
 * Written by hand rather than with `node:readline`: readline yields strings (the parser's fast path
 * wants bytes), keeps emitting lines after `pause()`, and has no bound on a line's length.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<LineItem> {
  let pieces: Buffer[] = [];
  let size = 0;
  let skipped = -1;
  let number = 0;
  function* finishLine(): Generator<LineItem> {
    number += 1;
    if (skipped >= 0) {
      yield { kind: "too-long", number, bytes: skipped };
    } else if (size > 0) {
      const line = trimmed(pieces, size);
      if (line.length > 0) yield { kind: "line", number, line };
    }
    pieces = [];
    size = 0;
    skipped = -1;
  }
  for await (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(newline, start);
      const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
      if (skipped >= 0) {
        skipped += piece.length;
      } else if (size + piece.length > maxLineBytes) {
        skipped = size + piece.length;
        pieces = [];
        size = 0;
      } else if (piece.length > 0) {
        pieces.push(piece);
        size += piece.length;
      }
      if (end === -1) break;
      yield* finishLine();
      start = end + 1;
    }
  }
  if (size > 0 || skipped >= 0) yield* finishLine();
}
