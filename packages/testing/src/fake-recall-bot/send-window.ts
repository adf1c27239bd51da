/**
 * Bounds what a sender has handed to ws but ws has not yet written to the socket. Once
 * `highWaterBytes` are pending, the next send waits until completions bring them under half of
 * that. A slow receiver (or one that paused reading) thus slows the sender through TCP
 * backpressure instead of growing the sender's memory. One window per socket: a reconnection
 * starts with an empty one.
 */
export class SendWindow {
  readonly highWaterBytes: number;
  #pendingBytes = 0;
  #waiters: Array<() => void> = [];
  /** Times a send had to wait for room. */
  waits = 0;
  /** Largest number of bytes pending at once. */
  maxPendingBytes = 0;

  constructor(highWaterBytes: number) {
    this.highWaterBytes = highWaterBytes;
  }

  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** True when a send of `bytes` must wait. */
  isFull(): boolean {
    return this.#pendingBytes >= this.highWaterBytes;
  }

  /**
   * Resolves once there is room (at once when there already is), or when {@link release} is
   * called because the connection closed. Returns whether it had to wait.
   */
  async room(): Promise<boolean> {
    if (!this.isFull()) return false;
    this.waits += 1;
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return true;
  }

  /** Counts bytes handed to ws. */
  add(bytes: number): void {
    this.#pendingBytes += bytes;
    if (this.#pendingBytes > this.maxPendingBytes) this.maxPendingBytes = this.#pendingBytes;
  }

  /** Counts bytes ws has written (or given up on). */
  settle(bytes: number): void {
    this.#pendingBytes -= bytes;
    if (this.#pendingBytes <= this.highWaterBytes / 2) this.release();
  }

  /** Wakes every waiter: there is room again, or the connection closed and the window is dropped. */
  release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
