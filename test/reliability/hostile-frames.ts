// Generators of hostile replies, and the checks the hostile-server tests share (not a test file).
import fc from 'fast-check';
import { PoolError } from '../../src/index.js';
import type { Reply, Script } from './hostile-server.js';

/** Bodies the official driver 2.4.2 cannot digest: each one throws inside its socket handler. */
export const OFFICIAL_POISON: readonly string[] = [
  'not json', // JSON.parse: SyntaxError
  'null', // reads response.p of null
  '{"t":18,"r":["x"]}', // runtime error without b: TypeError building the message
  '{"t":16,"r":["x"]}', // client error without b
  '{"t":17,"r":["x"]}', // compile error without b
  '{"t":18,"r":[],"b":[]}', // error without a message
  '{"t":1}', // atom without r
  '{"t":3,"r":[1]}', // partial without n
];

const datum = fc.jsonValue({ maxDepth: 2 });
const message = fc.string({ maxLength: 20 });

/** Replies of the right shape the official driver handles (a value, an error, "unknown type"). */
const wellFormed: fc.Arbitrary<string> = fc.oneof(
  datum.map((v) => JSON.stringify({ t: 1, r: [v] })),
  fc.array(datum, { maxLength: 3 }).map((r) => JSON.stringify({ t: 2, r, n: [] })),
  fc.tuple(fc.constantFrom(16, 17, 18), message, fc.option(fc.integer(), { nil: undefined }))
    .map(([t, m, e]) => JSON.stringify({ t, ...(e === undefined ? {} : { e }), r: [m], b: [] })),
  fc.constantFrom(0, 6, 99, -1).map((t) => JSON.stringify({ t, r: [1] })),
  fc.constantFrom('{"t":4,"r":[]}', '[]', '7', '"s"', '{"t":1,"r":[]}', '{"t":1,"r":5}'),
);

/** Anything at all: mutated replies, random JSON, random text, the known poison. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  wellFormed,
  fc.constantFrom(...OFFICIAL_POISON),
  fc.json({ maxDepth: 2 }),
  fc.string({ maxLength: 30 }),
  fc.tuple(wellFormed, fc.nat(), fc.string({ maxLength: 3 })).map(([text, at, junk]) => {
    const i = at % (text.length + 1); // splice junk in, or cut the text there when junk is empty
    return junk === '' ? text.slice(0, i) : text.slice(0, i) + junk + text.slice(i + 1);
  }),
);

function replyArb(full: boolean): fc.Arbitrary<Reply> {
  const body = full ? anyText : wellFormed;
  return fc.oneof(
    { arbitrary: fc.constant<Reply>({ kind: 'ok' }), weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant('frame' as const), text: body, token: fc.constantFrom('same' as const, 'other' as const) }), weight: 4 },
    // A short length leaves the tail of the body to be read as the next header: official poison.
    { arbitrary: fc.record({ kind: fc.constant('wrong-length' as const), text: wellFormed, delta: full ? fc.integer({ min: -8, max: 8 }).filter((d) => d !== 0) : fc.integer({ min: 1, max: 8 }) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('truncated' as const), text: wellFormed, keep: fc.nat({ max: 10 }) }), weight: 1 },
    { arbitrary: fc.constantFrom<Reply>({ kind: 'huge-length' }, { kind: 'silence' }, { kind: 'close' }, { kind: 'reset' }), weight: 2 },
  );
}

/** A script: one to four replies (cycled per connection), maybe dribbled a byte at a time. */
export function scriptArb(full: boolean): fc.Arbitrary<Script> {
  return fc.record({
    handshake: fc.constant('ok' as const),
    replies: fc.array(replyArb(full), { minLength: 1, maxLength: 4 }),
    dribbleMs: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 1 }),
  });
}

/** What the caller does: lease → query → release, or a multiplexed pool.run(). */
export const opsArb = fc.array(fc.constantFrom('lease' as const, 'run' as const), { minLength: 2, maxLength: 4 });

export type Outcome<T> =
  | { readonly state: 'resolved'; readonly value: T }
  | { readonly state: 'rejected'; readonly error: unknown }
  | { readonly state: 'pending'; readonly later: Promise<Outcome<T>> };

/** Waits up to `ms` for `p`; never rejects, so a late rejection is never unhandled. */
export function settle<T>(p: Promise<T>, ms: number): Promise<Outcome<T>> {
  const outcome: Promise<Outcome<T>> = p.then(
    (value) => ({ state: 'resolved', value }),
    (error: unknown) => ({ state: 'rejected', error }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'pending', later: outcome }), ms);
  });
  return Promise.race([outcome, pending]).finally(() => clearTimeout(timer));
}

/** The caller's own deadline on a query (the pool has none on a leased connection's queries). */
export class CallerDeadline extends Error {
  override readonly name = 'CallerDeadline';
}

export function deadline<T>(p: PromiseLike<T>, ms: number): Promise<T> {
  return settle(Promise.resolve(p), ms).then((o) => {
    if (o.state === 'resolved') return o.value;
    if (o.state === 'rejected') throw o.error;
    throw new CallerDeadline(`no answer within ${ms} ms`);
  });
}

/**
 * Errors a caller may see. The pool's own are PoolError subclasses; a query's are the
 * driver's (official Reql*, rethinkdb-ts RethinkDBError subclasses named Reql*). rethinkdb-ts
 * also rejects some garbage with a plain TypeError from its response parser (a reply of
 * `null`, an error reply with no message): that is the driver's, passed through untouched.
 */
export function isExpectedError(error: unknown, driver: 'official' | 'rethinkdb-ts'): boolean {
  if (error instanceof PoolError || error instanceof CallerDeadline) return true;
  if (!(error instanceof Error)) return false;
  if (/^Reql/.test(error.name) || error.constructor.name === 'RethinkDBError') return true;
  return driver === 'rethinkdb-ts' && error instanceof TypeError;
}

/** Records uncaught exceptions and unhandled rejections for the life of a test file. */
export function recordCrashes() {
  const crashes: { kind: string; error: unknown }[] = [];
  const onUncaught = (error: unknown) => crashes.push({ kind: 'uncaughtException', error });
  const onUnhandled = (error: unknown) => crashes.push({ kind: 'unhandledRejection', error });
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  return {
    crashes,
    take(): { kind: string; error: unknown }[] {
      return crashes.splice(0);
    },
    stop() {
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUnhandled);
    },
  };
}
