// A test server with one connection from each real driver, for regression tests that must
// cross the wire exactly as an application's queries do. Each test file calls liveServer()
// at top level: it registers before/after hooks and hands back the running pieces.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { r as rts, type Connection as TsConnection } from 'rethinkdb-ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../../../src/testing/index.js';

// @types/rethinkdb lacks many terms the driver has (range, args, fold...): use it untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const R = r as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const TS = rts as any;

export interface Live {
  readonly server: TestServer;
  /** Official driver: runs a query (run options optional); cursors are read to plain arrays. */
  run(q: unknown, opts?: Record<string, unknown>): Promise<unknown>;
  /** rethinkdb-ts: runs a query (it reads sequences to arrays itself). */
  tsRun(q: unknown): Promise<unknown>;
  /** Official driver: the query must fail; returns the driver's error. */
  fail(q: unknown, opts?: Record<string, unknown>): Promise<DriverError>;
  /** rethinkdb-ts: the query must fail; returns the driver's error. */
  tsFail(q: unknown): Promise<DriverError>;
  /** Drops and re-creates table `name` in `test` (optionally filled with rows). */
  table(name: string, rows?: readonly object[]): Promise<void>;
}

export interface DriverError extends Error {
  /** Official driver: the server's message without the query printout. */
  readonly msg?: string;
}

/** Arrays as plain arrays: the official driver gives atom arrays cursor methods. */
export function plain(v: unknown): unknown {
  if (Array.isArray(v)) return Array.from(v, plain);
  if (v instanceof Date || Buffer.isBuffer(v)) return v;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

export function liveServer(options: TestServerOptions = {}): Live {
  let server: TestServer | undefined;
  let conn: r.Connection | undefined;
  let tsConn: TsConnection | undefined;
  before(async () => {
    server = await startTestServer({ port: 0, ...options });
    conn = await r.connect({ host: server.host, port: server.port });
    tsConn = await rts.connect({ host: server.host, port: server.port });
  });
  after(async () => {
    await conn?.close({ noreplyWait: false });
    await tsConn?.close();
    await server?.stop();
  });
  const run = async (q: unknown, opts: Record<string, unknown> = {}): Promise<unknown> => {
    const res: unknown = await (q as { run(c: r.Connection, o: object): Promise<unknown> }).run(conn as r.Connection, opts);
    if (res !== null && typeof res === 'object' && 'toArray' in res && !Array.isArray(res)) {
      return plain(await (res as r.Cursor).toArray());
    }
    return plain(res);
  };
  const tsRun = (q: unknown): Promise<unknown> => (q as { run(c: TsConnection): Promise<unknown> }).run(tsConn as TsConnection);
  const failOf = async (p: Promise<unknown>): Promise<DriverError> => {
    try {
      await p;
    } catch (err) {
      return err as DriverError;
    }
    assert.fail('expected the query to fail');
  };
  return {
    get server() { return server as TestServer; },
    run,
    tsRun,
    fail: (q, opts) => failOf(run(q, opts)),
    tsFail: (q) => failOf(tsRun(q)),
    async table(name, rows = []) {
      const names = await run(R.db('test').tableList()) as string[];
      if (names.includes(name)) await run(R.db('test').tableDrop(name));
      await run(R.db('test').tableCreate(name));
      if (rows.length > 0) await run(R.db('test').table(name).insert(rows));
    },
  };
}

/** The write result counters, all present as the server writes them. */
export const counts = (c: Record<string, number> = {}): Record<string, number> =>
  ({ deleted: 0, errors: 0, inserted: 0, replaced: 0, skipped: 0, unchanged: 0, ...c });
