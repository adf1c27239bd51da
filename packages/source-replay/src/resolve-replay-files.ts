import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

/** Names a folder contributes: recordings of the `record` sink, plain or gzipped. */
export const REPLAY_FILE_PATTERN = /\.ndjson(\.gz)?$/;

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

/**
 * The files to replay, absolute, in order: each entry of `files` as given, a folder expanded to its
 * `*.ndjson` and `*.ndjson.gz` files (not recursive) sorted by name, duplicates dropped.
 * Throws an `Error` listing every entry that is missing, unreadable or an empty folder.
 */
export async function resolveReplayFiles(files: string | readonly string[]): Promise<string[]> {
  const entries = typeof files === "string" ? [files] : files;
  const problems: string[] = [];
  const found: string[] = [];
  for (const entry of entries) {
    const path = resolve(entry);
    try {
      const stats = await stat(path);
      if (!stats.isDirectory()) {
        found.push(path);
        continue;
      }
      const names = (await readdir(path, { withFileTypes: true }))
        .filter((item) => item.isFile() && REPLAY_FILE_PATTERN.test(item.name))
        .map((item) => item.name)
        .sort();
      if (names.length === 0) problems.push(`${path}: no *.ndjson or *.ndjson.gz file in this folder`);
      found.push(...names.map((name) => join(path, name)));
    } catch (error) {
      problems.push(`${path}: ${reasonOf(error)}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join("; "));
  return [...new Set(found)];
}
