// The lean path for the pool's multiplexed queries on the official driver. A profile of
// `run()` (bench/results/e2e.md) spends more of the client's CPU in the driver's request
// machinery than in the pool: a bluebird promise with nodeify per query, an options loop
// that builds `r.db(conn.db)` as a new term for every query, a query object turned into an
// array, and three `new Buffer()` writes per frame (deprecated: each checks a flag).
//
// Here the request is built as the driver's `_start`/`_sendQuery`/`_writeQuery` build it, to
// the byte (test/drivers/lean-corpus.test.ts compares the frames and the answers over a
// corpus), and leaves as one buffer. The answer is not read here: the query is registered in
// the driver's `outstandingCallbacks` exactly as `_start` registers it, so the driver's own
// `_data`/`_processResponse` parse it, convert it (times, binary, grouped data, profiles),
// make its cursors and errors, STOP it, and fail it when the connection closes. Leased
// connections never come here: a lessee runs the driver unchanged.
import r from 'rethinkdb';
import util from 'rethinkdb/util.js';
import type { Connection } from 'rethinkdb';

/** The driver's own `run`, shared by every term it builds (ast.js TermBase). */
const TERM_RUN: unknown = (r.expr(1) as unknown as { run: unknown }).run;

/** protodef Query.QueryType.START */
const START = 1;

/** The driver's bookkeeping for one query in flight (net.js `_start`). */
interface Outstanding {
  cb: (error: unknown, value?: unknown) => void;
  root: unknown;
  opts: object;
}

interface LeanConnection {
  open: boolean;
  db: string | undefined;
  nextToken: number;
  rawSocket: { write(data: Uint8Array): boolean } | null;
  outstandingCallbacks: Record<number, Outstanding | undefined>;
}

interface Term {
  run: unknown;
  build(): unknown;
}

/** The JSON of the global optargs for a query without options, by the connection's db. */
const defaultOptargs = new Map<string, string>();

/** What `_start` sends as global optargs when the call has no options: only `db`, if the connection has one. */
function optargsFor(db: string | undefined): string {
  if (db == null) return '';
  let json = defaultOptargs.get(db);
  if (json === undefined) {
    json = ',' + JSON.stringify({ db: (r.db(db) as unknown as Term).build() });
    // Bounded: a program uses few databases; past that, building it each time is correct too.
    if (defaultOptargs.size < 64) defaultOptargs.set(db, json);
  }
  return json;
}

/** The global optargs `_start` builds from `opts` (key order included), as JSON: '' when none. */
function optargsOf(opts: Record<string, unknown>, db: string | undefined): string {
  const global: Record<string, unknown> = {};
  let any = false;
  for (const key in opts) {
    if (!Object.hasOwn(opts, key)) continue;
    global[util.fromCamelCase(key)] = (r.expr(opts[key]) as unknown as Term).build();
    any = true;
  }
  const dbName = (opts.db as string | undefined) || db;
  if (opts.db != null || db != null) {
    global.db = (r.db(dbName as string) as unknown as Term).build();
    any = true;
  }
  if (opts.noreply != null) global.noreply = (r.expr(!!opts.noreply) as unknown as Term).build();
  if (opts.profile != null) global.profile = (r.expr(!!opts.profile) as unknown as Term).build();
  return any ? ',' + JSON.stringify(global) : '';
}

/** A frame: the token (8 bytes, little-endian), the body's length (4 bytes), the body. */
function frame(token: number, body: string): Buffer {
  const length = Buffer.byteLength(body);
  const buffer = Buffer.allocUnsafe(12 + length);
  buffer.writeUInt32LE(token >>> 0, 0);
  buffer.writeUInt32LE(Math.floor(token / 0x100000000), 4);
  buffer.writeUInt32LE(length, 8);
  buffer.write(body, 12, length, 'utf8');
  return buffer;
}

const NO_OPTIONS: object = Object.freeze({});

/**
 * Starts `query` on `conn` as the driver's `query.run(conn, options)` would, and resolves as
 * it would; undefined when this is not a plain term of the driver on an open connection
 * (the caller then runs it through the driver).
 */
export function startLean(conn: Connection, query: unknown, options: object | undefined): Promise<unknown> | undefined {
  // The driver's terms are functions (for `term('field')`) carrying its prototype.
  if (typeof query !== 'function') return undefined;
  const term = query as unknown as Term;
  const c = conn as unknown as LeanConnection;
  if (term.run !== TERM_RUN || !c.open || c.rawSocket === null) return undefined;
  const opts = (options ?? NO_OPTIONS) as Record<string, unknown>;
  return new Promise((resolve, reject) => {
    // As in _start: the token is taken before the term is built, even if building throws.
    const token = c.nextToken++;
    let body: string;
    try {
      const optargs = options === undefined ? optargsFor(c.db) : optargsOf(opts, c.db);
      body = '[' + START + ',' + JSON.stringify(term.build()) + optargs + ']';
    } catch (error) {
      reject(error);
      return;
    }
    const noreply = opts.noreply != null && !!opts.noreply;
    if (!noreply) {
      c.outstandingCallbacks[token] = {
        cb: (error, value) => (error != null ? reject(error) : resolve(value)),
        root: term,
        opts,
      };
    }
    c.rawSocket!.write(frame(token, body));
    if (noreply) resolve(undefined);
  });
}
