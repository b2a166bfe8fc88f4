// One server's connections by state, and the single transition function `move()`. Every
// count is derived from these containers and from the work on the slots in them; the sums
// of work are kept here, beside the only code that changes work. Ready connections are held
// in two sets, free (no work, no fence: what a lease takes) and busy, so that a lease and its
// return each touch one set of ready connections.
import type { Fence, Slot, SlotState } from './slot.js';
import { Work } from './slot.js';
import { ReadySlots, SlotSet } from './slot-set.js';

export class Connections<C> {
  readonly opening = new SlotSet<C>();
  /** Ready connections with work or a fence. */
  readonly busy = new SlotSet<C>();
  readonly leased = new SlotSet<C>();
  readonly retiring = new SlotSet<C>();
  readonly closing = new SlotSet<C>();
  /** Ready connections with no work and no fence: free to lease. */
  readonly free = new SlotSet<C>();
  /** Every ready connection: busy and free. */
  readonly ready = new ReadySlots<C>(this.busy, this.free);
  /** Work in flight on ready and retiring connections, by kind (the pool's pings excluded). */
  queries = 0;
  cursors = 0;
  feeds = 0;
  /** Ready connections fenced for a waiting lease. */
  leaseFences = 0;
  /** Called when a connection becomes free (the cluster may lease it to a waiter). */
  onFree: ((slot: Slot<C>) => void) | undefined = undefined;

  /** Connections counted against `poolSize` (opening, ready, leased): kept by admit() and #change(). */
  get size(): number {
    return this.#size;
  }
  #size = 0;

  get inFlight(): number {
    return this.queries + this.cursors + this.feeds;
  }

  /** A new connection being opened (a new slot starts in `opening`). */
  admit(slot: Slot<C>): void {
    slot.state = 'opening';
    this.opening.add(slot);
    this.#size++;
  }

  /**
   * The single transition function. The hand-out moves (a free connection leased, a lease
   * returned) take a short path with the facts those two guarantee (no work, no fence); it
   * is kept small so that the JIT inlines it into lease and release.
   */
  move(slot: Slot<C>, to: SlotState): void {
    if (slot.work === 0 && slot.fence === undefined) {
      if (to === 'leased' && slot.state === 'ready') {
        this.#leased(slot);
        return;
      }
      if (to === 'ready' && slot.state === 'leased') {
        this.#returned(slot);
        return;
      }
    }
    this.#change(slot, to);
  }

  /** ready -> leased, for a connection with no work and no fence (so it is in the free set). */
  #leased(slot: Slot<C>): void {
    this.free.delete(slot);
    slot.state = 'leased';
    this.leased.add(slot);
  }

  /**
   * leased -> ready, for a connection with no work and no fence: it becomes free. release()
   * just stamped checkedAt, and it runs the dispatcher itself once the connection is back
   * (onFree's other work), so there is no clock read or callback here.
   */
  #returned(slot: Slot<C>): void {
    this.leased.delete(slot);
    slot.state = 'ready';
    slot.idleSince = slot.checkedAt;
    this.free.add(slot);
  }

  /** Every other transition. */
  #change(slot: Slot<C>, to: SlotState): void {
    const from = slot.state;
    if (from === to) return;
    if (from === 'closed') throw new Error(`internal: connection ${slot.id} is closed, it cannot become ${to}`);
    this.#container(slot, from)?.delete(slot);
    const carried = from === 'ready' || from === 'retiring';
    const carries = to === 'ready' || to === 'retiring';
    if (slot.work !== 0 && carried && !carries) this.#sum(slot, -1);
    if (slot.work !== 0 && !carried && carries) this.#sum(slot, 1);
    if (from === 'ready' && slot.fence === 'lease') this.leaseFences--;
    if (from === 'ready') slot.fence = undefined;
    slot.state = to;
    this.#container(slot, to)?.add(slot);
    this.#size += counted(to) - counted(from);
    this.#refresh(slot);
  }

  /** Adds one piece of work on a ready connection. */
  addWork(slot: Slot<C>, kind: Work): void {
    slot.work++;
    this.#kind(slot, kind, 1);
    if (slot.work === 1) this.#refresh(slot);
  }

  /**
   * Ends one piece of work. Ignored on a connection that left ready/retiring (its work went
   * with it). True when the connection now carries no work.
   */
  endWork(slot: Slot<C>, kind: Work): boolean {
    if (slot.state !== 'ready' && slot.state !== 'retiring') return false;
    slot.work--;
    this.#kind(slot, kind, -1);
    if (slot.work > 0) return false;
    // A lease fence has done its job once the work drained: the connection is free for the lease.
    if (slot.fence === 'lease') {
      slot.fence = undefined;
      this.leaseFences--;
    }
    this.#refresh(slot);
    return true;
  }

  setFence(slot: Slot<C>, fence: Fence | undefined): void {
    if (slot.state !== 'ready' || slot.fence === fence) return;
    if (slot.fence === 'lease') this.leaseFences--;
    if (fence === 'lease') this.leaseFences++;
    slot.fence = fence;
    this.#refresh(slot);
  }

  /** Keeps the free set true to its rule, and tells whoever waits for a free connection. */
  #refresh(slot: Slot<C>): void {
    if (slot.state !== 'ready') return;
    const free = slot.work === 0 && slot.fence === undefined;
    if (free === this.free.has(slot)) return;
    if (!free) {
      this.free.delete(slot);
      this.busy.add(slot);
      return;
    }
    this.busy.delete(slot);
    this.free.add(slot);
    this.onFree?.(slot);
  }

  /** The set that holds `slot` in `state` (a ready slot entering goes to busy; #refresh may free it). */
  #container(slot: Slot<C>, state: SlotState): SlotSet<C> | undefined {
    switch (state) {
      case 'opening': return this.opening;
      case 'ready': return this.free.has(slot) ? this.free : this.busy;
      case 'leased': return this.leased;
      case 'retiring': return this.retiring;
      case 'closing': return this.closing;
      default: return undefined;
    }
  }

  /** Adds (or takes away) a slot's work to the sums, as it enters (or leaves) ready/retiring. */
  #sum(slot: Slot<C>, sign: 1 | -1): void {
    this.queries += sign * slot.queries;
    this.cursors += sign * slot.cursors;
    this.feeds += sign * slot.feeds;
  }

  #kind(slot: Slot<C>, kind: Work, delta: 1 | -1): void {
    switch (kind) {
      case Work.Query:
        slot.queries += delta;
        this.queries += delta;
        break;
      case Work.Cursor:
        slot.cursors += delta;
        this.cursors += delta;
        break;
      case Work.Feed:
        slot.feeds += delta;
        this.feeds += delta;
        break;
      default:
        break;
    }
  }
}

/** 1 for the states counted against `poolSize`. */
function counted(state: SlotState): number {
  return state === 'opening' || state === 'ready' || state === 'leased' ? 1 : 0;
}
