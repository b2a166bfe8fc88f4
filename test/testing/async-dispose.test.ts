// `await using`: the handles of startTestServer, startTestCluster and startFaultProxy stop
// themselves when the block ends, normally or by a throw, through Symbol.asyncDispose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { startFaultProxy, startTestCluster, startTestServer } from '../../src/testing/index.js';
import { assertRefused } from './lifecycle-helpers.js';

async function query(port: number): Promise<unknown> {
  const conn = await r.connect({ host: '127.0.0.1', port });
  conn.on('error', () => {});
  try {
    return await r.expr('served').run(conn);
  } finally {
    await conn.close({ noreplyWait: false });
  }
}

test('await using stops the server, the proxy and the cluster at the end of the block', async () => {
  const ports: number[] = [];
  {
    await using server = await startTestServer();
    await using proxy = await startFaultProxy({ target: server });
    await using cluster = await startTestCluster({ nodes: 2 });
    ports.push(server.port, proxy.port, ...cluster.nodes.map((n) => n.port));
    assert.equal(await query(proxy.port), 'served');
    assert.equal(await query(cluster.nodes[1]!.port), 'served');
  }
  for (const port of ports) await assertRefused(port);
});

test('await using disposes on a throw too, and after an explicit stop()', async () => {
  const ports: number[] = [];
  await assert.rejects(async () => {
    await using server = await startTestServer();
    await using proxy = await startFaultProxy({ target: server });
    ports.push(server.port, proxy.port);
    await proxy.stop(); // disposing a stopped handle is fine: stop() is idempotent
    throw new Error('the test body failed');
  }, /the test body failed/);
  for (const port of ports) await assertRefused(port);
});
