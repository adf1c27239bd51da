import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** One file to create: an absolute path and its content. */
export interface NewFile {
  readonly path: string;
  readonly content: string;
}

/** The outcome of {@link writeNewFiles}. */
export type WriteNewFilesResult =
  | { readonly ok: true; readonly written: readonly string[] }
  | { readonly ok: false; readonly existing: readonly string[] };

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
}

/**
 * Writes every file, or none when any of them already exists (`overwrite` aside): scaffolding
 * never replaces a user's work. Each file is opened with `wx` as well, so a file that appears in
 * between still is not overwritten.
 */
export async function writeNewFiles(
  files: readonly NewFile[],
  options: { readonly overwrite?: boolean } = {},
): Promise<WriteNewFilesResult> {
  if (!options.overwrite) {
    const existing: string[] = [];
    for (const file of files) if (await exists(file.path)) existing.push(file.path);
    if (existing.length > 0) return { ok: false, existing };
  }
  const written: string[] = [];
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content, { flag: options.overwrite ? "w" : "wx" });
    written.push(file.path);
  }
  return { ok: true, written };
}
