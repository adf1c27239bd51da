import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";

async function walkEntriesWhere(folder: string, keep: (entry: Dirent) => boolean): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  // `/`-separated on every platform, so expectations read the same as path templates.
  return entries
    .filter(keep)
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

/** Every entry (files, folders, links) under `folder`, as `/`-separated paths relative to it, sorted. */
export function walkEntries(folder: string): Promise<string[]> {
  return walkEntriesWhere(folder, () => true);
}

/** Files only (no folders), as {@link walkEntries}. */
export function walkFiles(folder: string): Promise<string[]> {
  return walkEntriesWhere(folder, (entry) => entry.isFile());
}
