// What a feed's items mean, apart from reading them (feed.ts): state items the pool asked
// for itself are not yielded, markers are added around a resume, rows re-sent after it are
// followed to the server's `ready`, and with `converge` the rows deleted during a gap are
// yielded as removals first (converge.ts).
import type { ParsedQueryOptions } from '../core/call-options.js';
import { Converge } from './converge.js';

/** Yielded with `markers: true`: a feed resumed (rows re-sent follow), and the re-sent rows ended. */
export interface FeedMarker {
  /** `resumed`: the feed runs again after a loss; `ready`: the rows re-sent after it ended. */
  readonly state: 'resumed' | 'ready';
}

/** How a feed reads its query (see the facade's `changes()`). */
export interface FeedSettings {
  readonly markers: boolean;
  readonly converge: boolean;
  readonly primaryKey: string;
  /** The query as the user gave it had `includeInitial` (so rows are re-sent after a resume). */
  readonly includeInitial: boolean;
  /** State items the pool asked for itself (the user did not): they are not yielded. */
  readonly ownStates: boolean;
  readonly query: object;
  readonly options: ParsedQueryOptions;
}

/** What take() returns for an item that yields nothing (a state item the pool asked for). */
export const NOTHING = Symbol('nothing');

/** No removals to yield before an item (one shared array, not one per item). */
const NO_REMOVALS: readonly unknown[] = Object.freeze([]);

export class FeedItems {
  /** Items to yield before the next read from the driver (removals, markers). */
  readonly out: unknown[] = [];
  readonly #converge: Converge | undefined;

  constructor(private readonly settings: FeedSettings) {
    this.#converge = settings.converge ? new Converge(settings.primaryKey) : undefined;
  }

  /** What a read yields of `item` (NOTHING for a state item the pool asked for itself). */
  take(item: unknown): unknown {
    const state = (item as { state?: unknown } | null)?.state;
    // RethinkDB's note that it dropped changes for a slow reader: with converge, a resync follows.
    if (typeof (item as { error?: unknown } | null)?.error === 'string' && this.#converge && this.settings.includeInitial) this.gap = true;
    const removals = this.#converge?.observe(item) ?? NO_REMOVALS;
    const resumedEnd = state === 'ready' && this.#resyncing;
    if (resumedEnd) this.#resyncing = false;
    if (state !== undefined && this.settings.ownStates) {
      this.out.push(...removals);
      if (resumedEnd && this.settings.markers) this.out.push({ state: 'ready' } satisfies FeedMarker);
      return NOTHING;
    }
    if (removals.length === 0) return item;
    this.out.push(...removals.slice(1), item);
    return removals[0];
  }

  /** Rows are being re-sent after a resume, up to the server's `ready` state. */
  #resyncing = false;
  /** The server said it skipped changes: the next read resumes the feed. */
  gap = false;

  /** The feed runs again after a loss: a marker says so, and the rows re-sent follow (with includeInitial). */
  resumed(): void {
    const { settings } = this;
    if (settings.markers) this.out.push({ state: 'resumed' } satisfies FeedMarker);
    if (settings.includeInitial) {
      this.#resyncing = true;
      this.#converge?.resynchronize();
    } else if (settings.markers) {
      this.out.push({ state: 'ready' } satisfies FeedMarker);
    }
  }
}
