// How to test YOUR pooled code with `async-repool/testing`: the embedded test server speaks
// RethinkDB's wire protocol with in-memory data, so these tests need no database, run the
// real driver and the real pool, and can break the "database" on purpose.
//
// Run:  node --import tsx --test examples/user-code.test.ts
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool } from 'async-repool';
import { startTestServer, type TestServer } from 'async-repool/testing';
import { heroesRepo } from './lib/heroes-repo.js';

describe('heroes repository', () => {
  let server: TestServer;
  let pool: AsyncConnectionPool;
  let repo: ReturnType<typeof heroesRepo>;

  before(async () => {
    server = await startTestServer({ port: 0 }); // a free port; every test file gets its own
    pool = new AsyncConnectionPool({ host: server.host, port: server.port, db: 'test' }, { poolSize: 2 });
    await pool.initPool();
    repo = heroesRepo(pool);
    await repo.createTable();
  });

  // Release the pool first (it closes its connections), then stop the server: nothing is
  // left open, so node's test runner ends the file at once.
  after(async () => {
    await pool.releasePool();
    await server.stop();
  });

  it('adds heroes and lists a team by name', async () => {
    await repo.add('Storm', 'x-men');
    await repo.add('Cyclops', 'x-men');
    await repo.add('Thor', 'avengers');
    assert.deepEqual((await repo.byTeam('x-men')).map((h) => h.name), ['Cyclops', 'Storm']);
  });

  it('transfers a hero with two queries on one lease, and releases it', async () => {
    const id = await repo.add('Wolverine', 'x-men');
    assert.equal(await repo.transfer(id, 'avengers'), true);
    assert.equal(await repo.transfer('no-such-id', 'avengers'), false);
    assert.deepEqual((await repo.byTeam('avengers')).map((h) => h.name), ['Thor', 'Wolverine']);
    assert.equal(pool.stats().leased, 0, 'no lease leaked, even on the early return');
  });

  it('keeps working after the database drops every connection', async () => {
    const count = await repo.count();
    const { closed } = pool.stats();
    server.dropConnections(); // as if the server crashed and came back at once
    // The pool sees both sockets close, then opens replacements in the background.
    await waitFor(() => pool.stats().closed === closed + 2 && pool.stats().idle === 2);
    assert.equal(await repo.count(), count, 'the data is still there');
  });
});

async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
