// The items of a changefeed, shaped as the real server writes them (its vals_to_change and
// state datums): keys in sorted order, `old_val` null for an insert and `new_val` null for
// a delete, `type` (with includeTypes) add / remove / change / initial / state, offsets
// (with includeOffsets, limit feeds only) null when the row is outside the set.

/** One row's change as a feed carries it, before it becomes an item. */
export interface Change {
  /** The row's primary key, canonical (store.canonicalKey): what squashing coalesces by. */
  readonly key: string;
  readonly oldVal: unknown;
  readonly newVal: unknown;
  /** Limit feeds: positions in the set before and after (null: outside it). */
  readonly oldOffset?: number | null;
  readonly newOffset?: number | null;
}

export interface ItemOptions {
  readonly includeTypes: boolean;
  readonly includeOffsets: boolean;
}

/** `{new_val, old_val}` for a change; undefined when neither side holds a row. */
export function changeItem(c: Change, o: ItemOptions): object | undefined {
  const oldVal = c.oldVal ?? null;
  const newVal = c.newVal ?? null;
  if (oldVal === null && newVal === null) return undefined;
  const item: Record<string, unknown> = {};
  if (o.includeOffsets) item.new_offset = c.newOffset ?? null;
  item.new_val = newVal;
  if (o.includeOffsets) item.old_offset = c.oldOffset ?? null;
  item.old_val = oldVal;
  if (o.includeTypes) item.type = oldVal === null ? 'add' : newVal === null ? 'remove' : 'change';
  return item;
}

/** `{new_val}` for a row that was there when the feed started (includeInitial). */
export function initialItem(value: unknown, o: ItemOptions, offset?: number): object {
  const item: Record<string, unknown> = {};
  if (o.includeOffsets && offset !== undefined) item.new_offset = offset;
  item.new_val = value ?? null;
  if (o.includeTypes) item.type = 'initial';
  return item;
}

/** `{state: 'initializing' | 'ready'}` (includeStates). */
export function stateItem(state: 'initializing' | 'ready', o: ItemOptions): object {
  return o.includeTypes ? { state, type: 'state' } : { state };
}

/**
 * What the real server sends, as an item, after it dropped the changes queued for a client
 * that did not read them (more than `changefeed_queue_size`; src/rdb_protocol/changefeed.cc).
 */
export function overflowItem(skipped: number): object {
  return { error: `Changefeed cache over array size limit, skipped ${skipped} elements.` };
}
