/**
 * A Map that keeps at most `limit` entries and forgets the least recently used one first.
 * Internal: it bounds per-participant and per-stream memory whatever the load.
 */
export class RecentlyUsedMap<K, V> {
  readonly limit: number;
  readonly #entries = new Map<K, V>();
  readonly #onForget: ((key: K, value: V) => void) | undefined;

  /** `onForget` is told of each entry dropped to stay within `limit` (not of `delete` or `clear`). */
  constructor(limit: number, onForget?: (key: K, value: V) => void) {
    this.limit = limit;
    this.#onForget = onForget;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Reads a value and marks it as recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order, so re-inserting moves the key to the "newest" end.
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Reads a value without changing its recency. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Stores a value as the most recently used one, forgetting the oldest entries past `limit`. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.limit) {
      const [oldestKey, oldestValue] = this.#entries.entries().next().value as [K, V];
      this.#entries.delete(oldestKey);
      this.#onForget?.(oldestKey, oldestValue);
    }
  }

  /** Removes the least recently used entry and returns its value (undefined when empty); `onForget` is not told. */
  deleteOldest(): V | undefined {
    const oldest = this.#entries.entries().next();
    if (oldest.done) return undefined;
    const [key, value] = oldest.value;
    this.#entries.delete(key);
    return value;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
