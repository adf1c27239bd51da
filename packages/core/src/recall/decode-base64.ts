/**
 * Decodes standard base64 and reports whether the text really was base64, at no extra cost.
 *
 * Node's decoder never fails: it skips characters outside the alphabet and stops at an inner `=`.
 * Either way it produces fewer bytes than the text's length implies, so comparing the decoded
 * length with the expected one catches every bad character without scanning the text again.
 * (Node also accepts the URL-safe `-` and `_`; those decode to the same bytes and are let through.)
 *
 * @returns the bytes, or `null` when the text is not base64.
 */
export function decodeBase64(text: string): Buffer | null {
  const decoded = Buffer.from(text, "base64");
  return decoded.length === expectedDecodedLength(text) ? decoded : null;
}

/** Bytes that `text` must decode to if every character is base64; -1 when no length is possible. */
function expectedDecodedLength(text: string): number {
  let end = text.length;
  // At most two padding characters are legal.
  if (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  // One leftover character cannot carry a whole byte.
  if (end % 4 === 1) return -1;
  return Math.floor((end * 3) / 4);
}

/**
 * Characters decoded per step by {@link decodeBase64Span}: a multiple of 4 (whole groups), and a
 * string this long (64 KiB) is an ordinary young-generation V8 object.
 */
const spanChunkCharacters = 64 * 1024;

/**
 * Decodes the base64 text at `bytes[start, end)` (ASCII, e.g. inside a raw websocket message)
 * straight into a new Buffer, with the same verdict as {@link decodeBase64}.
 *
 * Why not `decodeBase64(bytes.toString("latin1", start, end))`: a frame's base64 is hundreds of
 * KB, and a string that large goes to V8's large-object space, where every allocation maps fresh
 * pages. Measured on a 2-core machine for a 360 KiB PNG (480 KB of base64): 1.36 ms of CPU, most
 * of it in the kernel, against 0.19 ms in 64 KiB pieces decoded in place into one output buffer.
 *
 * Each piece holds whole 4-character groups, so the pieces decode exactly as the whole text
 * would; a character outside the alphabet or an inner `=` still leaves the output short of the
 * expected length, which is the check.
 *
 * @returns the bytes, or `null` when the span is not base64.
 */
export function decodeBase64Span(bytes: Buffer, start: number, end: number): Buffer | null {
  if (end - start <= spanChunkCharacters) return decodeBase64(bytes.toString("latin1", start, end));
  let dataEnd = end;
  if (bytes[dataEnd - 1] === 0x3d) dataEnd--;
  if (bytes[dataEnd - 1] === 0x3d) dataEnd--;
  const characters = dataEnd - start;
  if (characters % 4 === 1) return null;
  const expected = Math.floor((characters * 3) / 4);
  const output = Buffer.allocUnsafe(expected);
  let written = 0;
  for (let offset = start; offset < end; offset += spanChunkCharacters) {
    const piece = bytes.toString("latin1", offset, Math.min(end, offset + spanChunkCharacters));
    written += output.write(piece, written, "base64");
  }
  return written === expected ? output : null;
}
