// A server that answers TCP but not the protocol is down, like one that refuses: a silent
// node (no handshake) and a zombie (handshake, then no answers, not even SERVER_INFO) are
// marked down, never hold callers a healthy node can serve, and are not called "up, every
// connection busy". A node that turns zombie under work is found by the heartbeat: its work
// fails with PoolConnectionLostError and the callers go to the healthy node.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { PoolConnectionLostError, PoolTimeoutError } from '../../src/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { clusterPool, label, r, waitFor } from './helpers.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster({ nodes: 2 });
});
after(() => cluster.stop());

const FAST = { poolSize: 2, connectTimeoutMs: 300, pingTimeoutMs: 200, heartbeatMs: 200, acquireTimeoutMs: 5_000 };

for (const mode of ['silent', 'zombie'] as const) {
  it(`a ${mode} node never holds callers the healthy node can serve`, async () => {
    const [bad, good] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[1]];
    bad!.setMode(mode);
    try {
      const pool = clusterPool([bad!, good!], FAST);
      const down = new Promise((resolve) => pool.once('serverDown', resolve));
      // As many as the healthy node holds: all of them served, none waiting for the bad node.
      const conns = await Promise.all(Array.from({ length: FAST.poolSize }, () => pool.acquire()));
      assert.equal(conns.length, FAST.poolSize);
      for (const c of conns) pool.release(c);
      await down;
      const badStats = pool.stats().servers.find((s) => s.server === label(bad!))!;
      assert.equal(badStats.healthy, false, `${mode} node marked down`);
      // When even the healthy node is full, the error says what each server is doing.
      const held = await Promise.all(Array.from({ length: 2 }, () => pool.acquire()));
      const err = await pool.acquire({ timeoutMs: 100 }).then(() => assert.fail('resolved'), (e: unknown) => e);
      assert.ok(err instanceof PoolTimeoutError);
      const line = err.message.split('; ').find((part) => part.includes(label(bad!))) ?? err.message;
      assert.doesNotMatch(line, /up, every connection busy/);
      for (const c of held) pool.release(c);
      await pool.releasePool();
    } finally {
      bad!.setMode('normal');
    }
  });
}

it('a node that turns zombie under work is found by the heartbeat; its work fails with PoolConnectionLostError', async () => {
  const [bad, good] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[1]];
  const pool = clusterPool([bad!, good!], FAST);
  await pool.initPool();
  // Work on every connection of both nodes.
  const runs = Array.from({ length: 8 }, (_, i) => pool.run(r.expr(i)));
  await Promise.all(runs);
  bad!.setMode('zombie');
  try {
    const down = new Promise((resolve) => pool.once('serverDown', resolve));
    const stuck = pool.run((r as unknown as { range(n: number): r.Operation<r.Cursor> }).range(10)) as Promise<unknown>;
    const more = Array.from({ length: 4 }, () => pool.run(r.expr('ok')));
    const outcome = await stuck.then(() => 'served', (e: unknown) => e);
    // Either it went to the healthy node, or it was on the zombie and failed as lost.
    if (outcome !== 'served') assert.ok(outcome instanceof PoolConnectionLostError, String(outcome));
    await down;
    assert.deepEqual(await Promise.all(more.map((p) => p.catch((e: unknown) => (e instanceof PoolConnectionLostError ? 'ok' : e)))), ['ok', 'ok', 'ok', 'ok']);
    await waitFor(() => pool.stats().servers.find((s) => s.server === label(bad!))!.size === 0 || !pool.stats().servers.find((s) => s.server === label(bad!))!.healthy, 5_000, 'the zombie node out of work');
    assert.equal(await pool.run(r.expr(7)), 7, 'served by the healthy node');
  } finally {
    bad!.setMode('normal');
  }
  await pool.releasePool();
});

it('a pool used without initPool() has its heartbeat too: work on a node turned zombie fails with PoolConnectionLostError', async () => {
  const [bad] = cluster.nodes as [typeof cluster.nodes[0]];
  const pool = clusterPool([bad!], FAST);
  // No initPool(): the first run() opens the first connection, and with it the sweeps start.
  assert.equal(await pool.run(r.expr(1)), 1);
  bad!.setMode('zombie');
  try {
    // The deadline only bounds the test when the heartbeat is missing (it then fails with a timeout).
    const outcome = await pool.run(r.expr(2), { timeoutMs: 20_000 }).then(() => 'served', (e: unknown) => e);
    assert.ok(outcome instanceof PoolConnectionLostError, String(outcome));
  } finally {
    bad!.setMode('normal');
  }
  await pool.releasePool();
});
