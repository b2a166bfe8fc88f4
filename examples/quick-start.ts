// The README's quick start, run as written against the embedded test server (the README
// block between the quick-start markers must appear here line for line: test/docs checks it).
// The test server takes RethinkDB's own port, 28015, which must be free.
//
//   npx tsx examples/quick-start.ts
import { startTestServer } from 'async-repool/testing';

const server = await startTestServer({ port: 28015, users: { admin: '' } });
// A database `app` with a table `heroes` stands in for the user's.
{
  const { default: r } = await import('rethinkdb');
  const setup = await r.connect({ host: server.host, port: server.port });
  await r.dbCreate('app').run(setup);
  await r.db('app').tableCreate('heroes').run(setup);
  await setup.close({ noreplyWait: false });
}

// --- quick-start:begin ---
import r from 'rethinkdb';
import { AsyncConnectionPool } from 'async-repool';

await using pool = new AsyncConnectionPool(
  { host: '127.0.0.1', port: 28015, db: 'app', user: 'admin', password: '' }, // given to the driver's connect()
  { poolSize: 3, connectionTtlMs: 3_600_000 },                                 // pool options, all optional
);
await pool.initPool();                    // opens minIdle connections; rejects if none can open
const conn = await pool.acquire();        // exclusive lease: no other caller's work runs on it
await r.table('heroes').run(conn);
pool.release(conn);                       // back to the pool (or retired, if broken or past its TTL)

{
  await using c = await pool.connect();   // released when the block ends, even on throw
  await r.table('heroes').insert({ name: 'Iron Man' }).run(c);
}
const rows = await pool.run(r.table('heroes').filter({ team: 'x' }), { timeoutMs: 2000 }); // no lease: multiplexed
const feed = pool.changes(r.table('heroes').changes());                                    // survives connection loss
await feed.ready;                         // live on the server: changes from now on reach it
await pool.run(r.table('heroes').insert({ name: 'Storm' }));
for await (const change of feed) {
  console.log(change);                    // { new_val: { id: ..., name: 'Storm' }, old_val: null }
  break;                                  // leaving the loop closes the feed
}
// the pool is released at the end of the scope (`await using`), or call pool.releasePool()
// --- quick-start:end ---

const count = rows as unknown[];
if (!Array.isArray(count) || count.length !== 0) throw new Error('quick start: unexpected filter result');
await pool.releasePool(); // (what `await using` does at the end of the module, done here before the server stops)
await server.stop();
console.log('quick start ran as written');
