/**
 * Counts the items in lanes (waiting, held or running) so that a drain can wait until nothing is
 * left anywhere, and holds the one flag every node checks: whether the pipeline gave up.
 */
export class WorkTracker {
  #work = 0;
  #idleWaiters: Array<() => void> = [];
  #abandoned = false;

  /** True once the pipeline gave up (a forced stop or a failure): nothing new starts. */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  /** Items in lanes now. */
  get size(): number {
    return this.#work;
  }

  add(count: number): void {
    this.#work += count;
  }

  done(count: number): void {
    this.#work = Math.max(0, this.#work - count);
    if (this.#work === 0) this.#notifyIdle();
  }

  /** Resolves when no item is waiting or running anywhere. */
  whenIdle(): Promise<void> {
    if (this.#work === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Gives up: the count is forgotten and every waiter released. */
  abandon(): void {
    this.#abandoned = true;
    this.#work = 0;
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
