// A set of slots for the state containers (`opening`, `leased`, `closing`). Each slot is in
// at most one container at a time (its state), so it can keep its own index: add and delete
// are an array write and a swap, with no hashing. This is on the acquire/release hot path.
import type { Slot } from './slot.js';

export class SlotSet<C> {
  readonly #items: Slot<C>[] = [];

  get size(): number {
    return this.#items.length;
  }

  add(slot: Slot<C>): void {
    slot.pos = this.#items.length;
    this.#items.push(slot);
  }

  delete(slot: Slot<C>): void {
    const items = this.#items;
    const i = slot.pos;
    if (items[i] !== slot) return;
    const last = items.pop()!;
    if (last !== slot) {
      items[i] = last;
      last.pos = i;
    }
    slot.pos = -1;
  }

  [Symbol.iterator](): IterableIterator<Slot<C>> {
    return this.#items[Symbol.iterator]();
  }
}
