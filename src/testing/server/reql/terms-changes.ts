// CHANGES: checks its optargs and its argument as the real server does, and describes the
// feed (a FeedVal) for the session to run. Feeds on a table, on filter/map/pluck/without/
// merge/hasFields/withFields/field access over a table (the transformations applied to each
// changed row, a row they fail on counting as outside the selection, as on the real
// server), on `get(key)`, and on `orderBy({index})[.filter()].limit(n)`. Other selections
// (between, getAll, union...) are refused by name.
import { ErrorType, T, termName } from '../protocol.js';
import type { Doc } from '../store.js';
import { asBool, asDatum, asInt, asSeq } from './convert.js';
import { datumTypeName, isObject, type DatumObject } from './datum.js';
import { isDeterministic } from './determinism.js';
import { logicError, runtimeError } from './errors.js';
import { Call, evalTerm, type Env, type Handler } from './evaluate.js';
import { FeedVal, type FeedOptions, type FeedSpec } from './feed-spec.js';
import {
  type Scope, SelectionVal, SingleSelectionVal, Special, StreamVal, TableVal, wrongKind, type TableSource,
} from './values.js';

/** configured_limits_t::default_changefeed_queue_size. */
export const DEFAULT_QUEUE_SIZE = 100_000;

/** Row-wise terms a feed can carry: each gives at most one row per row. */
const TRANSFORMS = new Set<number>([
  T.FILTER, T.MAP, T.PLUCK, T.WITHOUT, T.MERGE, T.HAS_FIELDS, T.WITH_FIELDS, T.BRACKET, T.GET_FIELD,
]);

interface RawTerm {
  readonly type: number;
  readonly args: readonly unknown[];
  readonly optargs: DatumObject | undefined;
}

/** A term as `[type, args?, optargs?]`, or undefined for a datum or object. */
function rawTerm(term: unknown): RawTerm | undefined {
  if (!Array.isArray(term) || typeof term[0] !== 'number' || term[0] === T.DATUM) return undefined;
  let args: readonly unknown[] = [];
  let optargs: DatumObject | undefined;
  for (let i = 1; i < term.length; i++) {
    const part: unknown = term[i];
    if (Array.isArray(part)) args = part;
    else if (isObject(part)) optargs = part;
  }
  return { type: term[0], args, optargs };
}

function squashOf(call: Call): boolean | number {
  const v = call.opt('squash', asDatum);
  if (v === undefined) return false;
  if (typeof v === 'number') {
    if (v < 0) throw logicError('Expected BOOL or a positive NUMBER but found a negative NUMBER.');
    return v;
  }
  if (typeof v !== 'boolean') throw logicError(`Expected BOOL or NUMBER but found ${datumTypeName(v)}.`);
  return v;
}

function queueSizeOf(call: Call): number {
  const n = call.optOrGlobal('changefeed_queue_size', asInt);
  if (n === undefined) return DEFAULT_QUEUE_SIZE;
  if (n < 1) throw logicError(`Illegal changefeed queue size \`${n}\`.  (Must be >= 1.)`);
  return n;
}

/** Applies row-wise terms to one row; null when the row drops out or a term fails on it. */
function rowTransform(ops: readonly RawTerm[], scope: Scope, env: Env): (doc: Doc) => unknown {
  return (doc) => {
    let v: unknown = [doc];
    try {
      for (const op of ops) {
        const handler = env.handlers.get(op.type) as Handler;
        const call = new Call(env, op.type, op.args, op.optargs, scope, 0);
        call.preset(0, v);
        const out = handler(call);
        v = out instanceof Special ? asSeq(out).rows.all() : out;
        if (!Array.isArray(v) || v.length === 0) return null;
      }
    } catch {
      return null;
    }
    return Array.isArray(v) ? (v[0] ?? null) : null;
  };
}

function unsupportedFeed(what: number | undefined): never {
  const name = what === undefined ? 'this value' : `${termName.get(what) ?? String(what)}`;
  throw logicError(`Term CHANGES on ${name} is not supported by the async-repool test server ` +
    '(it supports a table, get(), filter/map/pluck/without/merge over a table, and orderBy({index}).limit(n)).');
}

/** Splits `x.f().g()` into the row-wise terms above the base, outermost last. */
function unwrap(term: unknown): { ops: RawTerm[]; base: unknown } {
  const ops: RawTerm[] = [];
  let t = term;
  for (;;) {
    const raw = rawTerm(t);
    if (raw === undefined) break;
    const orderByIndex = raw.type === T.ORDER_BY && raw.args.length === 1 && raw.optargs?.index !== undefined;
    const rowWise = TRANSFORMS.has(raw.type) && !(raw.type === T.MAP && raw.args.length !== 2);
    if (!rowWise && !orderByIndex) break;
    for (let i = 1; i < raw.args.length; i++) {
      if (!isDeterministic(raw.args[i])) throw logicError('Cannot call `changes` after a non-deterministic function.');
    }
    if (rowWise) ops.unshift(raw);
    t = raw.args[0];
  }
  return { ops, base: t };
}

/** The table under the row-wise terms: a stream with no table behind it has no changes. */
function tableOf(base: unknown, call: Call): TableSource {
  const v = evalTerm(base, call.scope, call.env);
  if (v instanceof TableVal) return v.source;
  if (v instanceof SelectionVal || v instanceof SingleSelectionVal) unsupportedFeed(rawTerm(base)?.type);
  throw logicError('Cannot call `changes` on an eager stream.');
}

/** `orderBy({index})[.filter()].limit(n)`, the first n rows in index order. */
function limitFeed(call: Call, options: FeedOptions, limitTerm: RawTerm): FeedSpec {
  const { ops, base } = unwrap(limitTerm.args[0]);
  const source = tableOf(base, call);
  if (ops.some((op) => op.type !== T.FILTER)) unsupportedFeed(T.LIMIT);
  const inner = rawTerm(limitTerm.args[0]);
  const sorted = (t: RawTerm | undefined): boolean => t !== undefined &&
    (t.type === T.ORDER_BY ? t.optargs?.index !== undefined : t.type === T.FILTER && sorted(rawTerm(t.args[0])));
  if (!sorted(inner)) throw logicError('Cannot get changes on the first elements of an unordered stream.');
  const limit = call.env.arrayLimit;
  const top = (): readonly Doc[] => asSeq(evalTerm(call.args[0], call.scope, call.env)).rows.all() as readonly Doc[];
  const initial = top();
  const n = asInt(evalTerm(limitTerm.args[1], call.scope, call.env));
  if (n > limit) {
    throw runtimeError(ErrorType.RESOURCE_LIMIT, `Array size limit \`${limit}\` exceeded.  ` +
      '(`.limit(X).changes()` is illegal if X is larger than the array size limit.)');
  }
  return { kind: 'limit', options, table: source.writable, primaryKey: source.primaryKey, top, initial };
}

function changes(call: Call): FeedVal {
  const squash = squashOf(call);
  const includeStates = call.opt('include_states', asBool) ?? false;
  const includeTypes = call.opt('include_types', asBool) ?? false;
  const includeInitial = call.opt('include_initial', asBool) ?? false;
  const includeOffsets = call.opt('include_offsets', asBool) ?? false;
  const v = call.arg(0);
  const queueSize = queueSizeOf(call);
  const options: FeedOptions = { includeInitial, includeStates, includeTypes, includeOffsets, squash, queueSize };
  const raw = rawTerm(call.args[0]);
  if (raw?.type === T.LIMIT && (v instanceof SelectionVal || v instanceof StreamVal)) {
    return new FeedVal(limitFeed(call, options, raw));
  }
  if (includeOffsets) {
    throw logicError(`Cannot include offsets for ${v instanceof SingleSelectionVal ? 'point' : 'range'} subs.`);
  }
  if (v instanceof SingleSelectionVal) {
    const { source } = v;
    return new FeedVal({
      kind: 'point', options, table: source.writable, primaryKey: source.primaryKey, key: v.key, initial: v.row,
    });
  }
  if (v instanceof TableVal) {
    const { source } = v;
    const initial = includeInitial ? source.scan() : [];
    return new FeedVal({ kind: 'range', options, table: source.writable, primaryKey: source.primaryKey, transform: undefined, initial });
  }
  if ((v instanceof SelectionVal && !v.isArray) || v instanceof StreamVal) {
    const { ops, base } = unwrap(call.args[0]);
    const source = tableOf(base, call);
    const transform = ops.length === 0 ? undefined : rowTransform(ops, call.scope, call.env);
    const initial = includeInitial ? asSeq(v).rows.all() : [];
    return new FeedVal({ kind: 'range', options, table: source.writable, primaryKey: source.primaryKey, transform, initial });
  }
  if (Array.isArray(v) || v instanceof SelectionVal) throw logicError('Cannot call `changes` on an eager stream.');
  return call.arg(0, () => wrongKind('SELECTION', v));
}

export const changesTerms: ReadonlyArray<readonly [number, Handler]> = [[T.CHANGES, changes]];
