import { randomBytes } from "node:crypto";
import { link, lstat, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { errorCode, step, WriteStepError } from "./write-errors.js";

/** Options of {@link writeFileAtomically}. */
export interface AtomicWriteOptions {
  /** Replace an existing file (rename). Otherwise an existing file fails the write with EEXIST. */
  readonly overwrite: boolean;
  /** fsync the file before publishing it and its folder after. */
  readonly fsync: boolean;
  /** Exact permissions of the file (applied with fchmod, so the umask does not change them). */
  readonly fileMode: number | undefined;
  /** Called once per write that had to fall back to check-then-rename (no hard links on this file system). */
  readonly onLinkUnsupported?: (error: unknown) => void;
}

/** Codes `link` gives on file systems without hard links (FAT, some FUSE and network mounts). */
const linkUnsupported = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

// Random per process (other processes writing the same folder), then a counter: unique among
// the temporary files that can exist at once, without a random draw per frame.
const processTag = randomBytes(4).toString("hex");
let counter = 0;

/** Where a file is written before it is published: hidden, in the same folder (rename stays atomic). */
export function temporaryPathFor(target: string): string {
  // Only the start of the name: a long final name plus the suffix could pass the 255-byte limit.
  const name = basename(target);
  const stem = name.length <= 48 ? name : Array.from(name).slice(0, 48).join("");
  counter = (counter + 1) & 0xffff;
  return join(dirname(target), `.${stem}.${processTag}${counter.toString(16).padStart(4, "0")}.tmp`);
}

/** True for a temporary file of {@link writeFileAtomically}. */
export function isTemporaryName(name: string): boolean {
  return /^\..*\.[0-9a-f]{12}\.tmp$/.test(name);
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => {});
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r").catch(() => null);
  if (!handle) return; // platforms that cannot open folders (Windows) make renames durable anyway
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function publishWithoutClobbering(temporary: string, target: string, options: AtomicWriteOptions) {
  try {
    await link(temporary, target);
  } catch (error) {
    const code = errorCode(error);
    if (code === undefined || !linkUnsupported.has(code)) throw error;
    // No hard links here: check, then rename. Another writer could slip in between the two;
    // the sink itself never writes one path twice at once (streams own their file names).
    options.onLinkUnsupported?.(error);
    const existing = await lstat(target).catch((statError: unknown) => {
      if (errorCode(statError) === "ENOENT") return null;
      throw statError;
    });
    if (existing) throw Object.assign(new Error(`file already exists, link '${target}'`), { code: "EEXIST" });
    await rename(temporary, target);
    return;
  }
  await removeQuietly(temporary);
}

/**
 * Writes `data` to `target` so that readers see either no file or the whole file, never a part:
 * the bytes go to a hidden temporary file in the same folder (`.<name>.<random>.tmp`), which is
 * then published in one step.
 *
 * - `overwrite: true`: `rename(temp, target)` atomically replaces an existing file.
 * - `overwrite: false`: `link(temp, target)` then `unlink(temp)`. Creating a hard link fails with
 *   EEXIST when the target exists, atomically, so two concurrent writers of one path cannot both
 *   succeed and an existing file is never replaced. On file systems without hard links it falls
 *   back to check-then-rename (reported through `onLinkUnsupported`).
 *
 * Throws a {@link WriteStepError} (`write` or `publish` step, the system error as cause); the
 * temporary file is removed on failure.
 */
export async function writeFileAtomically(target: string, data: Uint8Array, options: AtomicWriteOptions) {
  const temporary = temporaryPathFor(target);
  const handle = await step("write", () => open(temporary, "wx", options.fileMode ?? 0o666));
  try {
    await step("write", async () => {
      try {
        if (options.fileMode !== undefined) await handle.chmod(options.fileMode);
        await handle.writeFile(data);
        if (options.fsync) await handle.sync();
      } finally {
        await handle.close();
      }
    });
    await step("publish", async () => {
      if (options.overwrite) await rename(temporary, target);
      else await publishWithoutClobbering(temporary, target, options);
    });
    if (options.fsync) await step("publish", () => syncDirectory(dirname(target)));
  } catch (error) {
    await removeQuietly(temporary);
    throw error instanceof WriteStepError ? error : new WriteStepError("write", error);
  }
}
