import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";

/** How an encoder process ended. */
export interface EncoderExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when it ended after its input was closed, with exit code 0. */
  readonly clean: boolean;
  /** The last lines ffmpeg wrote on stderr (its errors), for logs. */
  readonly stderr: string;
  /** The spawn error (ENOENT, EACCES), if the process never ran. */
  readonly spawnError?: Error;
}

/** A write to an encoder whose process has ended. */
export class EncoderGoneError extends Error {
  readonly exit: EncoderExit;

  constructor(exit: EncoderExit) {
    super(`the encoder ended (${describeExit(exit)})`);
    this.name = "EncoderGoneError";
    this.exit = exit;
  }
}

/** `exit code 1`, `killed by SIGKILL`, `could not start: …`, with ffmpeg's last error line. */
export function describeExit(exit: EncoderExit): string {
  const how = exit.spawnError
    ? `could not start: ${exit.spawnError.message}`
    : exit.signal
      ? `killed by ${exit.signal}`
      : `exit code ${exit.code}`;
  const lastLine = exit.stderr.trim().split("\n").at(-1);
  return lastLine ? `${how}: ${lastLine}` : how;
}

const stderrLimit = 4096;

/**
 * One ffmpeg process fed images on stdin. `write` resolves once the pipe took the bytes (after
 * `drain` when Node's buffer is full), so a slow encoder holds the caller; it rejects with
 * {@link EncoderGoneError} when the process is gone. `finish` closes stdin and waits for the exit.
 */
export class EncoderProcess {
  readonly #child: ChildProcessByStdio<Writable, null, Readable>;
  readonly #exited: Promise<EncoderExit>;
  #exit: EncoderExit | null = null;
  #stderr = "";
  #finishing = false;

  constructor(executable: string, args: readonly string[]) {
    this.#child = spawn(executable, args, { stdio: ["pipe", "ignore", "pipe"] });
    this.#child.stderr.setEncoding("utf8");
    this.#child.stderr.on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-stderrLimit);
    });
    // EPIPE once ffmpeg is gone: the exit below reports it; the write in progress learns it from `exited`.
    this.#child.stdin.on("error", () => {});
    this.#exited = new Promise((resolve) => {
      let spawnError: Error | undefined;
      this.#child.once("error", (error) => {
        spawnError = error;
        // A process that never started emits no 'close'.
        if (this.#child.pid === undefined) settle(null, null);
      });
      const settle = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.#exit) return;
        this.#exit = {
          code,
          signal,
          clean: this.#finishing && code === 0 && !spawnError,
          stderr: this.#stderr,
          ...(spawnError ? { spawnError } : {}),
        };
        resolve(this.#exit);
      };
      // 'close': the process ended and its stderr was read to the end.
      this.#child.once("close", settle);
    });
  }

  /** The process id (for tests and logs). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** How it ended, once it has. */
  get exit(): EncoderExit | null {
    return this.#exit;
  }

  /** Resolves when the process has ended (for whatever reason). */
  get exited(): Promise<EncoderExit> {
    return this.#exited;
  }

  /** True once `finish` was called. */
  get finishing(): boolean {
    return this.#finishing;
  }

  /** Pipes one image; resolves once the pipe took it. */
  async write(image: Buffer): Promise<void> {
    if (this.#exit) throw new EncoderGoneError(this.#exit);
    if (this.#finishing) throw new Error("the encoder's input is closed");
    const stdin = this.#child.stdin;
    if (stdin.write(image)) return;
    let onDrain: (() => void) | undefined;
    const drained = new Promise<void>((resolve) => {
      onDrain = resolve;
      stdin.once("drain", resolve);
    });
    const outcome = await Promise.race([drained.then(() => null), this.#exited]);
    if (onDrain) stdin.off("drain", onDrain);
    if (outcome) throw new EncoderGoneError(outcome);
  }

  /** Closes stdin (ffmpeg then writes what it holds and ends) and waits for the process to end. */
  finish(): Promise<EncoderExit> {
    if (!this.#finishing) {
      this.#finishing = true;
      if (!this.#exit) this.#child.stdin.end();
    }
    return this.#exited;
  }

  /** Ends the process at once (SIGKILL). */
  kill(): Promise<EncoderExit> {
    this.#finishing = true;
    if (!this.#exit) this.#child.kill("SIGKILL");
    return this.#exited;
  }
}
