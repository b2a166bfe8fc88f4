// A bound on connection attempts to servers not known up, shared by every server of a pool.
// A server that answers opens up to its own maxConnecting; servers not known to work (new,
// down, or silent) share this budget, so that a cluster listing hundreds of unreachable
// servers cannot start a connect storm.
export class ConnectBudget {
  #free: number;
  readonly #waiting = new Set<() => void>();

  constructor(size: number) {
    this.#free = size;
  }

  /** Takes one attempt; false when none is left (`wake` is called once one is). */
  take(wake: () => void): boolean {
    if (this.#free > 0) {
      this.#free--;
      return true;
    }
    this.#waiting.add(wake);
    return false;
  }

  /** An attempt ended: the next server waiting may try. */
  give(): void {
    this.#free++;
    const [first] = this.#waiting;
    if (first === undefined) return;
    this.#waiting.delete(first);
    first();
  }

  /** A server that stops waits no more. */
  forget(wake: () => void): void {
    this.#waiting.delete(wake);
  }
}

/** Attempts at once to servers not known up, for the whole pool. */
export const UNPROVEN_CONNECTS = 8;
