/** A position in a {@link LinkedQueue}; pass it back to `remove`. */
export interface QueueEntry<T> {
  readonly value: T;
  previous: QueueEntry<T> | null;
  next: QueueEntry<T> | null;
  /** False once the entry left its queue, so a second removal is harmless. */
  linked: boolean;
}

/**
 * A FIFO with O(1) removal from the middle: `drop-oldest` takes frames out of lanes wherever they
 * wait, without leaving tombstones that would grow while a lane is stuck.
 */
export class LinkedQueue<T> {
  #head: QueueEntry<T> | null = null;
  #tail: QueueEntry<T> | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(value: T): QueueEntry<T> {
    const entry: QueueEntry<T> = { value, previous: this.#tail, next: null, linked: true };
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    this.#size += 1;
    return entry;
  }

  /** The oldest value, without removing it. */
  peek(): T | undefined {
    return this.#head?.value;
  }

  shift(): T | undefined {
    const head = this.#head;
    if (!head) return undefined;
    this.remove(head);
    return head.value;
  }

  remove(entry: QueueEntry<T>): void {
    if (!entry.linked) return;
    if (entry.previous) entry.previous.next = entry.next;
    else this.#head = entry.next;
    if (entry.next) entry.next.previous = entry.previous;
    else this.#tail = entry.previous;
    entry.previous = null;
    entry.next = null;
    entry.linked = false;
    this.#size -= 1;
  }

  /** Values oldest first. Removing the current value while iterating is safe. */
  *[Symbol.iterator](): IterableIterator<T> {
    let entry = this.#head;
    while (entry) {
      const next = entry.next;
      yield entry.value;
      entry = next;
    }
  }

  /** Entries oldest first, for callers that need to remove while walking. */
  *entries(): IterableIterator<QueueEntry<T>> {
    let entry = this.#head;
    while (entry) {
      const next = entry.next;
      yield entry;
      entry = next;
    }
  }
}
