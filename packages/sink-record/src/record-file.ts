import { createWriteStream, type WriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { constants, createGzip, type Gzip } from "node:zlib";

/** Options of {@link RecordFile}. */
export interface RecordFileOptions {
  /** Absolute path; the file is created or appended to. */
  readonly path: string;
  readonly gzip: boolean;
  /** Bytes written before the first line (a newline ending a previous run's unterminated last line). */
  readonly prefix?: Buffer;
}

/**
 * One recording file open for appending: a write stream, with a gzip stream in front of it when
 * compressing. Lines are accepted while the streams are below their high-water mark; beyond it
 * {@link write} waits for `drain`, so memory stays bounded by the stream buffers.
 *
 * The gzip output is moved to the file by hand rather than with `pipe()`: counting the file's
 * pending writes is what lets {@link flush} know when every accepted line reached the file
 * descriptor. Every gzip chunk is written with `Z_SYNC_FLUSH`, so the bytes on disk always end at
 * a line boundary of the compressed stream: a crashed process leaves a file whose every complete
 * line can be read back (the reader then reports an unexpected end of file).
 *
 * A stream error is kept; the next {@link write}, {@link flush} or {@link close} throws it.
 */
export class RecordFile {
  readonly path: string;
  readonly #file: WriteStream;
  readonly #gzip: Gzip | null;
  readonly #input: Writable;
  readonly #closed: Promise<void>;
  #error: Error | null = null;
  #ending: Promise<void> | null = null;
  #pendingFileWrites = 0;
  #idleWaiters: Array<() => void> = [];
  readonly #wakers = new Set<() => void>();

  constructor(options: RecordFileOptions) {
    this.path = options.path;
    this.#file = createWriteStream(options.path, { flags: "a" });
    this.#closed = new Promise((resolve) => this.#file.once("close", resolve));
    this.#file.on("error", (error) => this.#fail(error));
    if (options.gzip) {
      const gzip = createGzip({ flush: constants.Z_SYNC_FLUSH });
      gzip.on("error", (error) => this.#fail(error));
      gzip.on("data", (chunk: Buffer) => {
        if (!this.#writeToFile(chunk)) gzip.pause();
      });
      this.#file.on("drain", () => gzip.resume());
      gzip.on("end", () => this.#file.end());
      this.#gzip = gzip;
      this.#input = gzip;
    } else {
      this.#gzip = null;
      this.#input = this.#file;
    }
    if (options.prefix && options.prefix.length > 0) this.#writeToFile(options.prefix);
  }

  /** The stream error that broke this file, if any. */
  get error(): Error | null {
    return this.#error;
  }

  /** Accepts one line (with its newline); resolves once the stream can take more. */
  async write(line: Buffer): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#ending) throw new Error(`${this.path} is closed`);
    const accepted = this.#gzip ? this.#gzip.write(line) : this.#writeToFile(line);
    if (!accepted) await this.#drain();
    if (this.#error) throw this.#error;
  }

  /** Resolves once every line accepted so far has been handed to the file descriptor. */
  async flush(): Promise<void> {
    if (!this.#isIdle()) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    if (this.#error) throw this.#error;
  }

  /** Ends the streams and resolves once the file is closed; throws the stream error, if there was one. */
  close(): Promise<void> {
    this.#ending ??= (async () => {
      if (!this.#error) this.#input.end();
      await this.#closed;
      this.#wakeAll();
      if (this.#error) throw this.#error;
    })();
    return this.#ending;
  }

  /** Closes at once without finishing the streams (after an error). */
  destroy(): Promise<void> {
    this.#gzip?.destroy();
    this.#file.destroy();
    return this.#closed;
  }

  #writeToFile(chunk: Buffer): boolean {
    this.#pendingFileWrites += 1;
    return this.#file.write(chunk, () => {
      this.#pendingFileWrites -= 1;
      this.#checkIdle();
    });
  }

  #isIdle(): boolean {
    if (this.#error) return true;
    if (this.#pendingFileWrites > 0) return false;
    return this.#gzip === null || (this.#gzip.writableLength === 0 && this.#gzip.readableLength === 0);
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #drain(): Promise<void> {
    return new Promise((resolve) => {
      const settle = (): void => {
        this.#input.off("drain", settle);
        this.#wakers.delete(settle);
        resolve();
      };
      this.#input.on("drain", settle);
      this.#wakers.add(settle);
    });
  }

  #wakeAll(): void {
    for (const wake of [...this.#wakers]) wake();
    this.#checkIdle();
  }

  #fail(error: Error): void {
    this.#error ??= error;
    // A broken gzip member cannot be continued: stop both streams, wake everyone waiting.
    this.#gzip?.destroy();
    this.#file.destroy();
    this.#wakeAll();
  }
}
