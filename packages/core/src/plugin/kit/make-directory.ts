import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { systemErrorCode } from "./file-system-errors.js";

/**
 * `mkdir -p` that says why it failed. Node's recursive `mkdir` reports most failures below an
 * existing folder as ENOENT: on a read-only file system (EROFS), over quota (EDQUOT) or on a
 * failing disk (EIO) it says "no such file or directory", which is neither true nor retried. On
 * ENOENT this creates the highest missing folder on its own, which fails with the real code, and
 * throws that error instead. `mode` as for `mkdir` (minus the umask).
 */
export async function makeDirectory(path: string, mode?: number): Promise<void> {
  try {
    await mkdir(path, mode === undefined ? { recursive: true } : { recursive: true, mode });
  } catch (error) {
    if (systemErrorCode(error) !== "ENOENT") throw error;
    throw await realCause(path, mode, error);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    // Only a missing folder is worth climbing past; anything else (EACCES) stops the search.
    return systemErrorCode(error) !== "ENOENT";
  }
}

async function realCause(path: string, mode: number | undefined, reported: unknown): Promise<unknown> {
  let highestMissing = path;
  for (let parent = dirname(path); parent !== highestMissing && !(await exists(parent)); parent = dirname(parent)) {
    highestMissing = parent;
  }
  try {
    await mkdir(highestMissing, mode === undefined ? undefined : { mode });
  } catch (error) {
    return error;
  }
  // It could be created after all (the condition cleared meanwhile): the original error stands.
  return reported;
}
