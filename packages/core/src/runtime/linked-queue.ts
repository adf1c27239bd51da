/**
 * The links an element of a {@link LinkedQueue} carries itself. An element is in at most one
 * queue at a time; the links are the queue's business only.
 */
export interface Linkable<T> {
  /** The {@link LinkedQueue} the element waits in, or null. */
  linkedIn: object | null;
  linkPrevious: T | null;
  linkNext: T | null;
}

/**
 * A FIFO with O(1) removal from the middle: `drop-oldest` takes frames out of lanes wherever they
 * wait, without leaving tombstones that would grow while a lane is stuck. Intrusive (the elements
 * hold the links), so queueing allocates nothing: lanes, items and tickets are queued several
 * times per frame.
 */
export class LinkedQueue<T extends Linkable<T>> {
  #head: T | null = null;
  #tail: T | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends `value`, which must not be in a queue. */
  push(value: T): void {
    if (value.linkedIn !== null) throw new Error("LinkedQueue: the value is already queued");
    value.linkedIn = this;
    value.linkPrevious = this.#tail;
    value.linkNext = null;
    if (this.#tail) this.#tail.linkNext = value;
    else this.#head = value;
    this.#tail = value;
    this.#size += 1;
  }

  /** The oldest value, without removing it. */
  peek(): T | undefined {
    return this.#head ?? undefined;
  }

  shift(): T | undefined {
    const head = this.#head;
    if (!head) return undefined;
    this.remove(head);
    return head;
  }

  /** Takes `value` out; false (and nothing done) when it is not in this queue. */
  remove(value: T): boolean {
    if (value.linkedIn !== this) return false;
    if (value.linkPrevious) value.linkPrevious.linkNext = value.linkNext;
    else this.#head = value.linkNext;
    if (value.linkNext) value.linkNext.linkPrevious = value.linkPrevious;
    else this.#tail = value.linkPrevious;
    value.linkedIn = null;
    value.linkPrevious = null;
    value.linkNext = null;
    this.#size -= 1;
    return true;
  }

  /** Values oldest first. Removing the current value while iterating is safe. */
  *[Symbol.iterator](): IterableIterator<T> {
    let value = this.#head;
    while (value) {
      const next = value.linkNext;
      yield value;
      value = next;
    }
  }
}
