// A set of slots that keeps each slot's index in the slot itself (`slot.index`): add and
// delete are an array write and a swap, with no hashing, on the acquire/release hot path. A
// slot is in one set at a time (connections.ts), so one index serves every set.
import type { Slot } from './slot.js';

export class SlotSet<C> {
  readonly #items: Slot<C>[] = [];

  get size(): number {
    return this.#items.length;
  }

  has(slot: Slot<C>): boolean {
    const i = slot.index;
    return i >= 0 && this.#items[i] === slot;
  }

  add(slot: Slot<C>): void {
    slot.index = this.#items.length;
    this.#items.push(slot);
  }

  delete(slot: Slot<C>): void {
    const items = this.#items;
    const i = slot.index;
    if (i < 0 || items[i] !== slot) return;
    const last = items.pop()!;
    if (last !== slot) {
      items[i] = last;
      last.index = i;
    }
    slot.index = -1;
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

/**
 * The ready connections: the free ones and the busy ones (work or a fence) together, read
 * only. Kept as two sets so that a lease and its return touch one set each.
 */
export class ReadySlots<C> {
  constructor(private readonly busy: SlotSet<C>, private readonly free: SlotSet<C>) {}

  get size(): number {
    return this.busy.size + this.free.size;
  }

  /** The slot at index `i` (0 .. size-1): the busy ones first, then the free ones, most recently used last. */
  at(i: number): Slot<C> {
    const busy = this.busy.size;
    return i < busy ? this.busy.at(i) : this.free.at(i - busy);
  }

  *[Symbol.iterator](): IterableIterator<Slot<C>> {
    yield* this.busy;
    yield* this.free;
  }

  /** A copy, for loops that change the sets. */
  toArray(): Slot<C>[] {
    return [...this.busy.toArray(), ...this.free.toArray()];
  }
}
