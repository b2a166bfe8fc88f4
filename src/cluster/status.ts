// Discovery's read of `rethinkdb.server_status`, as multiplexed work on a pooled connection
// (it waits for one like any caller; the round's deadline bounds the whole read).
import type { ServerPool } from '../server/server-pool.js';
import { Work } from '../server/slot.js';
import type { Cluster } from './cluster.js';

export async function readServerStatus<C>(cluster: Cluster<C>): Promise<unknown[]> {
  const { driver, pingTimeoutMs } = cluster.options;
  const serverStatus = driver.serverStatus;
  if (serverStatus === undefined) throw new TypeError('the driver cannot read rethinkdb.server_status');
  const picked = cluster.share(Work.Query, pingTimeoutMs, undefined);
  const slot = picked instanceof Promise ? await picked : picked;
  const server = slot.home as ServerPool<C>;
  let answered = false;
  try {
    const rows = await serverStatus(slot.conn!);
    answered = true;
    return rows;
  } finally {
    server.endWork(slot, Work.Query, answered);
  }
}
