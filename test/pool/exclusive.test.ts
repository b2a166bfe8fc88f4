// A lease is exclusive: acquire() never hands out a connection that carries someone else's
// run(), cursor or feed, and no multiplexed work is sent to a leased connection, under
// constant run() traffic, with cursors open, and while lessees discard their connections.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { r as rts } from 'rethinkdb-ts';
import type { TestServer } from '../../src/testing/index.js';
import { AsyncConnectionPool } from '../../src/index.js';
import { connectOptions, makePool, r, startServer, type Conn } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startServer();
  server.setLatency(1); // keep queries in flight long enough to overlap
});
after(() => server.stop());

type Interval = { conn: unknown; from: number; to: number; what: string };

/** Records, per connection, when each piece of multiplexed work and each lease was on it. */
function recorder() {
  let clock = 0;
  const tick = () => ++clock; // a logical clock: order is what matters, not time
  const work: Interval[] = [];
  const leases: Interval[] = [];
  return {
    tick,
    work,
    leases,
    /** Wraps a driver query so that the connection it runs on is recorded (rethinkdb-ts' getCursor kept). */
    wrap(query: { run(conn: never, opts?: unknown): PromiseLike<unknown>; getCursor?: (conn: never, opts?: unknown) => PromiseLike<unknown> }, what: string) {
      const record = (method: 'run' | 'getCursor') => (conn: unknown, opts?: unknown) => {
        const entry = { conn, from: tick(), to: Infinity, what };
        work.push(entry);
        return Promise.resolve(query[method]!(conn as never, opts)).finally(() => (entry.to = tick()));
      };
      return what === 'cursor' && query.getCursor ? { getCursor: record('getCursor') } : { run: record('run') };
    },
    /** Every overlap of a lease with work on the same connection. */
    overlaps(): string[] {
      const bad: string[] = [];
      for (const l of leases) {
        for (const w of work) {
          if (w.conn === l.conn && w.from < l.to && l.from < w.to) bad.push(`${w.what} [${w.from}, ${w.to}] during a lease [${l.from}, ${l.to}]`);
        }
      }
      return bad;
    },
  };
}

for (const driver of ['official', 'rethinkdb-ts'] as const) {
  it(`${driver}: leases stay exclusive under 64 concurrent run(), 50 open cursors and discarding lessees`, async () => {
    const ts = driver === 'rethinkdb-ts';
    const pool = ts
      ? new AsyncConnectionPool(connectOptions(server, { silent: true }), { driver: rts, poolSize: 4 })
      : makePool(server, { poolSize: 4 });
    const expr = (n: number) => (ts ? rts.expr(n) : r.expr(n)) as unknown as { run(conn: never): Promise<number> };
    const range = (n: number) => (ts ? rts.range(n) : (r as unknown as { range(n: number): { run(c: never): Promise<unknown> } }).range(n));
    await pool.initPool();
    const rec = recorder();
    // 50 cursors opened and left open (each holds its connection's slot until closed).
    const cursors = await Promise.all(Array.from({ length: 50 }, () => pool.cursor(rec.wrap(range(5_000), 'cursor') as never)));
    for (let i = 0; i < cursors.length; i++) {
      // A cursor's work lasts until it is closed: its interval is closed by hand below.
      rec.work[i]!.to = Infinity;
    }
    let stop = false;
    let runs = 0;
    const runners = Array.from({ length: 64 }, async (_, k) => {
      while (!stop) {
        assert.equal(await pool.run(rec.wrap(expr(k), 'run') as never), k);
        runs++;
      }
    });
    const lessees = Array.from({ length: 6 }, async (_, k) => {
      for (let i = 0; i < 10; i++) {
        const conn = await pool.acquire();
        const entry = { conn, from: rec.tick(), to: Infinity, what: 'lease' };
        rec.leases.push(entry);
        assert.equal(await (expr(k) as { run(c: unknown): Promise<number> }).run(conn), k);
        entry.to = rec.tick();
        pool.release(conn as never, { discard: i % 3 === 0 }); // every third lessee discards
      }
    });
    await Promise.all(lessees);
    stop = true;
    await Promise.all(runners);
    assert.ok(runs >= 64, `runs: ${runs}`);
    assert.deepEqual(rec.overlaps().slice(0, 5), [], 'no lease overlapped multiplexed work on its connection');
    // The cursors were packed onto few connections (so leases kept connections of their own).
    const cursorConns = new Set(rec.work.slice(0, 50).map((w) => w.conn));
    assert.ok(cursorConns.size <= 2, `cursors spread over ${cursorConns.size} connections`);
    for (const c of cursors) await (c as unknown as { close(): Promise<void> }).close();
    assert.equal(pool.stats().cursors, 0);
    await pool.releasePool();
  });
}

it('a lessee that discards its connection kills nobody else\'s work', async () => {
  const pool = makePool(server, { poolSize: 2 });
  await pool.initPool();
  const conn = await pool.acquire();
  const runs = Array.from({ length: 30 }, (_, i) => pool.run(r.expr(i)));
  const rows = await pool.cursor((r as unknown as { range(n: number): r.Operation<r.Cursor> }).range(1_000));
  pool.release(conn, { discard: true });
  const conn2 = await pool.acquire();
  pool.release(conn2 as Conn, { discard: true });
  assert.deepEqual(await Promise.all(runs), Array.from({ length: 30 }, (_, i) => i));
  assert.equal((await rows.toArray()).length, 1_000);
  await pool.releasePool();
});
