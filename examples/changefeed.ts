// A live view of a table that survives failures: the rows of `heroes`, kept in a Map by the
// items of a changefeed from pool.changes(). The feed resumes by itself when its connection
// dies, and with `converge` the view drops the rows deleted while it was away.
//
//   npx tsx examples/changefeed.ts [--self-test]   (--self-test: against the embedded test server)
import r from 'rethinkdb';
import { AsyncConnectionPool } from 'async-repool';
import { startTestServer } from 'async-repool/testing';

type Hero = { id: string; name: string; team?: string };
type Change = { new_val?: Hero | null; old_val?: Hero | null };

const selfTest = process.argv.includes('--self-test');
const server = selfTest ? await startTestServer({ port: 0 }) : undefined;
const where = server ? { host: server.host, port: server.port } : { host: '127.0.0.1', port: 28015 };
const pool = new AsyncConnectionPool(where, { poolSize: 2 });
pool.on('feedResumed', ({ downMs }) => console.log(`feed resumed after ${downMs} ms`));

if (server) await pool.run(r.db('test').tableCreate('heroes'));
const heroes = r.db('test').table('heroes');
await pool.run(heroes.insert([{ id: 'iron', name: 'Iron Man' }, { id: 'thor', name: 'Thor' }]));

// The view: every row of the table, by primary key.
const view = new Map<string, Hero>();
const feed = pool.changes<Change>(heroes.changes({ includeInitial: true } as never), { converge: true });
const applying = (async () => {
  for await (const change of feed) {
    if (change.new_val) view.set(change.new_val.id, change.new_val);
    else if (change.old_val) view.delete(change.old_val.id);
  }
})();

const until = async (what: string, check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`changefeed example: ${what} not seen`);
};
await until('the initial rows', () => view.size === 2);
await pool.run(heroes.get('thor').update({ team: 'Avengers' }));
await until('an update', () => view.get('thor')?.team === 'Avengers');

if (server) {
  // The feed's connection dies; a row is deleted while it is away; the feed comes back.
  server.dropConnections();
  await pool.run(heroes.get('iron').delete(), { retry: true });
  await until('the row deleted during the gap to leave the view', () => !view.has('iron'));
}
console.log('view:', [...view.values()].map((h) => h.name).join(', '));
await pool.releasePool(); // ends the feed: the for await loop finishes
await applying;
await server?.stop();
console.log('changefeed example done');
