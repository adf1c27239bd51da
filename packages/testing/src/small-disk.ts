import { execFile } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { mkdtemp, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Name of the file {@link SmallDisk.fill} writes; {@link SmallDisk.free} deletes it. */
const fillerName = ".filler";

/**
 * A tiny tmpfs mounted on a fresh folder, for tests of what a sink does when its disk is full or
 * read-only. Mounting needs root on Linux: check {@link canMountSmallDisk} first (CI runs as root).
 */
export interface SmallDisk {
  /** The mount point. */
  readonly path: string;
  /** Writes a filler file until no space is left (the next write of any file fails with ENOSPC). */
  fill(): Promise<void>;
  /** Deletes the filler file: the space it took is free again. */
  free(): Promise<void>;
  /** Remounts the disk read-only (writes fail with EROFS). No file on it may be open for writing. */
  readOnly(): Promise<void>;
  /** Remounts the disk read-write. */
  readWrite(): Promise<void>;
  /** Unmounts the disk and removes its folder; safe to call twice. */
  remove(): Promise<void>;
}

/** True where {@link mountSmallDisk} can work: Linux, as root. */
export const canMountSmallDisk: boolean = process.platform === "linux" && process.getuid?.() === 0;

/** Options of {@link mountSmallDisk}. */
export interface SmallDiskOptions {
  /** tmpfs `size=` (default `2m`): small, so filling it is quick. */
  readonly size?: string;
  /** Prefix of the mount point's folder under the OS temp dir. */
  readonly prefix?: string;
}

/** Writes 4 KiB pages until the file system refuses the next one. */
function writeUntilFull(path: string): void {
  const page = Buffer.alloc(4096, 1);
  const descriptor = openSync(path, "w");
  try {
    for (;;) writeSync(descriptor, page);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Mounts a tmpfs of `size` (default 2 MiB) on a fresh folder under the OS temp dir. Always
 * {@link SmallDisk.remove} it (in `afterAll` or `finally`), or the mount outlives the test.
 *
 * @example
 * const disk = await mountSmallDisk();
 * try {
 *   await disk.fill();
 *   // … writes under disk.path fail with ENOSPC …
 *   await disk.free();
 * } finally {
 *   await disk.remove();
 * }
 */
export async function mountSmallDisk(options: SmallDiskOptions = {}): Promise<SmallDisk> {
  const path = await mkdtemp(join(tmpdir(), options.prefix ?? "framepipe-small-disk-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${options.size ?? "2m"},mode=0755`, "tmpfs", path]);
  } catch (error) {
    await rm(path, { recursive: true, force: true });
    throw error;
  }
  let mounted = true;
  const filler = join(path, fillerName);
  return {
    path,
    async fill() {
      writeUntilFull(filler);
    },
    async free() {
      await unlink(filler);
    },
    async readOnly() {
      await run("mount", ["-o", "remount,ro", path]);
    },
    async readWrite() {
      await run("mount", ["-o", "remount,rw", path]);
    },
    async remove() {
      if (mounted) {
        mounted = false;
        // Lazy when busy (a process that still has a file open): detached now, freed when closed.
        await run("umount", [path]).catch(() => run("umount", ["-l", path]));
      }
      await rm(path, { recursive: true, force: true });
    },
  };
}
