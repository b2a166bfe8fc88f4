// A test server for changefeed tests: feeds are read through the real drivers (an official
// `rethinkdb` connection and a rethinkdb-ts one) while a second official connection writes,
// as another client of the same server would. Each test file calls liveFeeds() at top level.
import { after, before } from 'node:test';
import r from 'rethinkdb';
import { r as rts, type Connection as TsConnection } from 'rethinkdb-ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../../../src/testing/index.js';

// @types/rethinkdb lacks terms and options the driver has (includeTypes, squash...): untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const R = r as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const TS = rts as any;

/** The official driver's cursor, as feeds use it. */
export interface OfficialFeed {
  next(): Promise<unknown>;
  each(cb: (err: Error | null, row: unknown) => unknown, onFinished?: () => void): void;
  close(): Promise<void>;
  toString(): string;
}

/** rethinkdb-ts' cursor, as feeds use it. */
export interface TsFeed extends AsyncIterable<unknown> {
  next(): Promise<unknown>;
  close(): Promise<void>;
  getType(): string;
}

export interface LiveFeeds {
  readonly server: TestServer;
  /** Starts a feed through the official driver. */
  feed(q: unknown, opts?: Record<string, unknown>): Promise<OfficialFeed>;
  /** Starts a feed through rethinkdb-ts. */
  tsFeed(q: unknown, opts?: Record<string, unknown>): Promise<TsFeed>;
  /** Runs a query on the writer connection (official driver); cursors are read to arrays. */
  write(q: unknown): Promise<unknown>;
  /** Drops and re-creates table `name` in `test`, optionally with rows. */
  table(name: string, rows?: readonly object[]): Promise<void>;
}

export function liveFeeds(options: TestServerOptions = {}): LiveFeeds {
  let server: TestServer | undefined;
  let conn: r.Connection | undefined;
  let writer: r.Connection | undefined;
  let tsConn: TsConnection | undefined;
  before(async () => {
    server = await startTestServer({ port: 0, ...options });
    conn = await r.connect({ host: server.host, port: server.port });
    writer = await r.connect({ host: server.host, port: server.port });
    tsConn = await rts.connect({ host: server.host, port: server.port });
  });
  after(async () => {
    await conn?.close({ noreplyWait: false });
    await writer?.close({ noreplyWait: false });
    await tsConn?.close();
    await server?.stop();
  });
  const write = async (q: unknown): Promise<unknown> => {
    const res: unknown = await (q as { run(c: r.Connection): Promise<unknown> }).run(writer as r.Connection);
    if (res !== null && typeof res === 'object' && 'toArray' in res) return (res as r.Cursor).toArray();
    return res;
  };
  return {
    get server() { return server as TestServer; },
    feed: (q, opts = {}) => (q as { run(c: r.Connection, o: object): Promise<OfficialFeed> }).run(conn as r.Connection, opts),
    tsFeed: (q, opts = {}) => (q as { run(c: TsConnection, o: object): Promise<TsFeed> }).run(tsConn as TsConnection, opts),
    write,
    async table(name, rows = []) {
      const names = await write(R.db('test').tableList()) as string[];
      if (names.includes(name)) await write(R.db('test').tableDrop(name));
      await write(R.db('test').tableCreate(name));
      if (rows.length > 0) await write(R.db('test').table(name).insert(rows));
    },
  };
}

/** The next `n` items of an official feed. */
export async function take(feed: { next(): Promise<unknown> }, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(await feed.next());
  return out;
}
