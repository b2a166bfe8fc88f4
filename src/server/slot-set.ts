// A set of slots that keeps each slot's index in the slot itself (`pos` for the state
// containers, `freePos` for the free set): add and delete are an array write and a swap,
// with no hashing, on the acquire/release hot path. A slot is in one state container at a
// time, and at most in the free set besides.
import type { Slot } from './slot.js';

type IndexField = 'pos' | 'freePos';

export class SlotSet<C> {
  readonly #items: Slot<C>[] = [];
  constructor(private readonly field: IndexField = 'pos') {}

  get size(): number {
    return this.#items.length;
  }

  has(slot: Slot<C>): boolean {
    const i = slot[this.field];
    return i >= 0 && this.#items[i] === slot;
  }

  add(slot: Slot<C>): void {
    slot[this.field] = this.#items.length;
    this.#items.push(slot);
  }

  delete(slot: Slot<C>): void {
    const items = this.#items;
    const i = slot[this.field];
    if (items[i] !== slot) return;
    const last = items.pop()!;
    if (last !== slot) {
      items[i] = last;
      last[this.field] = i;
    }
    slot[this.field] = -1;
  }

  /** The most recently added slot (the free set's top: the most recently used connection). */
  top(): Slot<C> | undefined {
    return this.#items[this.#items.length - 1];
  }

  /** The slot at index `i` (0 .. size-1), for scans. */
  at(i: number): Slot<C> {
    return this.#items[i]!;
  }

  [Symbol.iterator](): IterableIterator<Slot<C>> {
    return this.#items[Symbol.iterator]();
  }

  /** A copy, for loops that change the set. */
  toArray(): Slot<C>[] {
    return this.#items.slice();
  }
}
