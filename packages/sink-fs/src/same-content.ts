import { readFile } from "node:fs/promises";
import { statLink } from "./file-operations.js";

/**
 * True when `path` is a regular file holding exactly `data`. The fs sink asks this only when a
 * file it is about to write exists already (overwrite false), to tell a frame delivered twice
 * (a worker taking a stream over redelivers the frames its predecessor did not acknowledge) from
 * an earlier run's different frame at that number. The size is compared first, so a different
 * file is rarely read.
 */
export async function holdsSameBytes(path: string, data: Uint8Array): Promise<boolean> {
  try {
    const stats = await statLink(path);
    if (!stats.isFile() || stats.size !== data.byteLength) return false;
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(await readFile(path));
  } catch {
    // Gone or unreadable meanwhile: not a copy of this frame; the write reports what happens next.
    return false;
  }
}
