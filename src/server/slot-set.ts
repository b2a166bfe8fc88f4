// A set of slots that keeps each slot's index in the slot itself (`slot.at[0]` for the state
// containers, `slot.at[1]` for the free set): add and delete are an array write and a swap,
// with no hashing, on the acquire/release hot path. A slot is in one state container at a
// time, and at most in the free set besides.
import type { Slot } from './slot.js';

/** Which of a slot's indexes a set uses: 0 for the state containers, 1 for the free set. */
export type IndexSlot = 0 | 1;

export class SlotSet<C> {
  readonly #items: Slot<C>[] = [];
  constructor(private readonly field: IndexSlot = 0) {}

  get size(): number {
    return this.#items.length;
  }

  has(slot: Slot<C>): boolean {
    const i = slot.at[this.field]!;
    return i >= 0 && this.#items[i] === slot;
  }

  add(slot: Slot<C>): void {
    slot.at[this.field] = this.#items.length;
    this.#items.push(slot);
  }

  delete(slot: Slot<C>): void {
    const items = this.#items;
    const field = this.field;
    const i = slot.at[field]!;
    if (i < 0 || items[i] !== slot) return;
    const last = items.pop()!;
    if (last !== slot) {
      items[i] = last;
      last.at[field] = i;
    }
    slot.at[field] = -1;
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
