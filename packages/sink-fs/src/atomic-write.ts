import { randomBytes } from "node:crypto";
import { basename, dirname, sep } from "node:path";
import {
  changeMode,
  closeFile,
  linkFile,
  openFile,
  removeFile,
  renameFile,
  statLink,
  syncFile,
  writeAll,
} from "./file-operations.js";
import { errorCode, WriteStepError } from "./write-errors.js";

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
  const cut = target.lastIndexOf(sep);
  const name = cut === -1 ? basename(target) : target.slice(cut + 1);
  const stem = name.length <= 48 ? name : Array.from(name).slice(0, 48).join("");
  counter = (counter + 1) & 0xffff;
  return `${target.slice(0, cut + 1)}.${stem}.${processTag}${counter.toString(16).padStart(4, "0")}.tmp`;
}

/** True for a temporary file of {@link writeFileAtomically}. */
export function isTemporaryName(name: string): boolean {
  return /^\..*\.[0-9a-f]{12}\.tmp$/.test(name);
}

async function removeQuietly(path: string): Promise<void> {
  await removeFile(path).catch(() => {});
}

async function syncDirectory(directory: string): Promise<void> {
  const descriptor = await openFile(directory, "r", 0).catch(() => null);
  // Platforms that cannot open folders (Windows) make renames durable anyway.
  if (descriptor === null) return;
  try {
    await syncFile(descriptor);
  } finally {
    await closeFile(descriptor);
  }
}

async function publishWithoutClobbering(temporary: string, target: string, options: AtomicWriteOptions) {
  try {
    await linkFile(temporary, target);
  } catch (error) {
    const code = errorCode(error);
    if (code === undefined || !linkUnsupported.has(code)) throw error;
    // No hard links here: check, then rename. Another writer could slip in between the two;
    // the sink itself never writes one path twice at once (streams own their file names).
    options.onLinkUnsupported?.(error);
    const existing = await statLink(target).catch((statError: unknown) => {
      if (errorCode(statError) === "ENOENT") return null;
      throw statError;
    });
    if (existing) throw Object.assign(new Error(`file already exists, link '${target}'`), { code: "EEXIST" });
    await renameFile(temporary, target);
    return;
  }
  await removeQuietly(temporary);
}

/** Writes the bytes (and mode) of the temporary file and closes it; the first error wins. */
async function fillTemporary(descriptor: number, data: Uint8Array, options: AtomicWriteOptions): Promise<void> {
  let failure: { error: unknown } | null = null;
  try {
    if (options.fileMode !== undefined) await changeMode(descriptor, options.fileMode);
    await writeAll(descriptor, data);
    if (options.fsync) await syncFile(descriptor);
  } catch (error) {
    failure = { error };
  }
  // Closing can report a failed write too (network file systems flush on close).
  await closeFile(descriptor).catch((error: unknown) => {
    failure ??= { error };
  });
  if (failure) throw new WriteStepError("write", failure.error);
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
  let descriptor: number;
  try {
    descriptor = await openFile(temporary, "wx", options.fileMode ?? 0o666);
  } catch (error) {
    // Nothing was created (or the name belongs to another writer): nothing to remove.
    throw new WriteStepError("write", error);
  }
  try {
    await fillTemporary(descriptor, data, options);
    try {
      if (options.overwrite) await renameFile(temporary, target);
      else await publishWithoutClobbering(temporary, target, options);
      if (options.fsync) await syncDirectory(dirname(target));
    } catch (error) {
      throw new WriteStepError("publish", error);
    }
  } catch (error) {
    await removeQuietly(temporary);
    throw error;
  }
}
