import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { type GroupKey, makeDirectory } from "@framepipe/core/plugin";
import { RecordFile } from "./record-file.js";

const newline = Buffer.from("\n");

/** A failure of one recording file: its absolute path, the system error as cause. */
export class RecordFileError extends Error {
  readonly path: string;

  constructor(path: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "RecordFileError";
    this.path = path;
  }
}

function tagged(path: string, error: unknown): RecordFileError {
  return error instanceof RecordFileError ? error : new RecordFileError(path, error);
}

interface Entry {
  readonly path: string;
  /** Resolves once the folder exists and the streams are created. */
  readonly file: Promise<RecordFile>;
  /** Groups that wrote to this file since it was opened and have not ended. */
  readonly groups: Set<GroupKey>;
  /** Writes between acquire and release: a file is never closed under one. */
  writes: number;
  /** Set once the close began; the entry has then left the open set. */
  closed: Promise<void> | null;
  /** Callers waiting for a close requested while writes were in progress. */
  closeWaiters: Array<(closed: Promise<void>) => void>;
}

/** What {@link RecordFiles} needs from the sink. */
export interface RecordFilesOptions {
  readonly gzip: boolean;
  readonly maxOpenFiles: number;
  /** Number of open files changed. */
  readonly onOpenFilesChange?: (count: number) => void;
}

/**
 * The recording files a sink has open, at most `maxOpenFiles` (least recently written closed
 * first; a file with a write in progress is never closed, so the cap may be passed briefly while
 * every open file is busy). A file is closed when every group that wrote to it has ended. Reopening
 * a path waits until its previous stream is fully closed, so two streams never append to one file
 * at once (their bytes would interleave, which breaks a gzip file).
 */
export class RecordFiles {
  readonly #options: RecordFilesOptions;
  /** Files not closing, least recently written first (a Map keeps insertion order; a write moves its entry last). */
  readonly #open = new Map<string, Entry>();
  /** Paths whose previous stream is still closing. */
  readonly #closing = new Map<string, Promise<void>>();

  constructor(options: RecordFilesOptions) {
    this.#options = options;
  }

  /** Number of files open (or opening) now. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Appends `line` to the file at `path` (absolute) on behalf of `group`. Resolves once the file's
   * stream accepted it (after `drain` when its buffer was full). A file whose stream failed is
   * dropped, so the next write opens it again.
   */
  async write(path: string, group: GroupKey, line: Buffer): Promise<void> {
    const entry = this.#acquire(path, group);
    try {
      const file = await entry.file;
      await file.write(line);
    } catch (error) {
      this.#discard(entry);
      throw tagged(path, error);
    } finally {
      entry.writes -= 1;
      if (entry.writes === 0 && entry.closeWaiters.length > 0) {
        const closed = this.#close(entry);
        for (const notify of entry.closeWaiters.splice(0)) notify(closed);
      }
    }
  }

  /** A group ended: closes the files only it (and other ended groups) wrote to. Throws a close error. */
  async endGroup(group: GroupKey): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const entry of [...this.#open.values()]) {
      if (entry.groups.delete(group) && entry.groups.size === 0) closing.push(this.#requestClose(entry));
    }
    await settleAll(closing);
  }

  /** Resolves once every line accepted so far reached its file descriptor; throws the first stream error. */
  async flush(): Promise<void> {
    await settleAll(
      [...this.#open.values()].map(async (entry) => {
        try {
          await (await entry.file).flush();
        } catch (error) {
          this.#discard(entry);
          throw tagged(entry.path, error);
        }
      }),
    );
  }

  /** Closes every file (after the writes in progress) and waits for all of them to be closed. */
  async close(): Promise<void> {
    await settleAll([...this.#open.values()].map((entry) => this.#requestClose(entry)));
    await settleAll([...this.#closing.values()]);
  }

  #acquire(path: string, group: GroupKey): Entry {
    let entry = this.#open.get(path);
    if (entry) {
      this.#open.delete(path);
      this.#open.set(path, entry);
      // A close waiting for writes to finish is called off: someone writes to the file again.
      for (const notify of entry.closeWaiters.splice(0)) notify(Promise.resolve());
    } else {
      entry = this.#openEntry(path);
      this.#evictBeyondCap();
      this.#options.onOpenFilesChange?.(this.#open.size);
    }
    entry.groups.add(group);
    entry.writes += 1;
    return entry;
  }

  #openEntry(path: string): Entry {
    const previous = this.#closing.get(path) ?? Promise.resolve();
    const gzip = this.#options.gzip;
    const file = previous.then(async () => {
      await makeDirectory(dirname(path));
      const prefix = gzip ? undefined : await unterminatedLineFix(path);
      return new RecordFile({ path, gzip, ...(prefix ? { prefix } : {}) });
    });
    file.catch(() => {}); // observed by the write that awaits it
    const entry: Entry = { path, file, groups: new Set(), writes: 0, closed: null, closeWaiters: [] };
    this.#open.set(path, entry);
    return entry;
  }

  #evictBeyondCap(): void {
    let excess = this.#open.size - this.#options.maxOpenFiles;
    for (const entry of [...this.#open.values()]) {
      if (excess <= 0) break;
      if (entry.writes > 0) continue;
      // Nobody awaits an eviction: a stream error it meets is logged by nobody, but such an error
      // can only come from data already accepted, which flush() and close() would have reported.
      this.#close(entry).catch(() => {});
      excess -= 1;
    }
  }

  #requestClose(entry: Entry): Promise<void> {
    if (entry.closed) return entry.closed;
    if (entry.writes === 0) return this.#close(entry);
    return new Promise<Promise<void>>((resolve) => entry.closeWaiters.push(resolve)).then((closed) => closed);
  }

  /** Takes an entry out of the open set and closes its streams; the path may be reopened at once. */
  #close(entry: Entry): Promise<void> {
    if (entry.closed) return entry.closed;
    const closed = entry.file
      .then((file) => file.close())
      .catch((error: unknown) => {
        throw tagged(entry.path, error);
      });
    this.#retire(entry, closed);
    return closed;
  }

  /** Drops a failed entry: its streams are destroyed and the next write opens the path again. */
  #discard(entry: Entry): void {
    if (entry.closed) return;
    this.#retire(
      entry,
      entry.file.then(
        (file) => file.destroy(),
        () => {},
      ),
    );
  }

  #retire(entry: Entry, closed: Promise<void>): void {
    entry.closed = closed;
    if (this.#open.get(entry.path) === entry) {
      this.#open.delete(entry.path);
      this.#options.onOpenFilesChange?.(this.#open.size);
    }
    const settled = closed.catch(() => {});
    this.#closing.set(entry.path, settled);
    settled.then(() => {
      if (this.#closing.get(entry.path) === settled) this.#closing.delete(entry.path);
    });
  }
}

/**
 * A newline to write first when an existing plain file does not end with one (a previous process
 * died mid-line): the broken line stays one bad line instead of swallowing the next good one.
 */
async function unterminatedLineFix(path: string): Promise<Buffer | undefined> {
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    if (size === 0) return undefined;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a ? undefined : newline;
  } finally {
    await handle.close();
  }
}

async function settleAll(operations: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(operations);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}
