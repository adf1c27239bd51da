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
