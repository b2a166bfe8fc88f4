// Shared helpers of the cluster tests (not a test file).
import r from 'rethinkdb';
import { AsyncConnectionPool, PoolError, type PoolOptions } from '../../src/index.js';
import type { TestServer } from '../../src/testing/index.js';

export { r };
export type Conn = r.Connection;

/** `host:port`, as the pool names a server. */
export const label = (s: { host: string; port: number }): string => `${s.host}:${s.port}`;

/** A pool over `servers` with test-friendly options (short backoff). */
export function clusterPool(servers: readonly { host: string; port: number }[], options: PoolOptions<Conn> = {}) {
  return new AsyncConnectionPool<Conn>({ user: 'admin', password: '' }, {
    servers: servers.map((s) => ({ host: s.host, port: s.port })),
    backoff: { baseMs: 20, maxMs: 200 },
    ...options,
  });
}

/** Typed pool errors and the driver's own Reql* errors are the only failures allowed. */
export function isTypedFailure(err: unknown): boolean {
  return err instanceof PoolError || (typeof (err as Error)?.name === 'string' && (err as Error).name.startsWith('Reql'));
}

/** Counts the leases of each server, from the pool's `acquire` events. */
export function countLeases(pool: AsyncConnectionPool<Conn>): Map<string, number> {
  const counts = new Map<string, number>();
  pool.on('acquire', ({ server }) => counts.set(server, (counts.get(server) ?? 0) + 1));
  return counts;
}

/**
 * `workers` callers looping acquire -> query -> release until stop() is called. Failures
 * are kept for the test to check; `ok` counts successful queries.
 */
export function startLoad(pool: AsyncConnectionPool<Conn>, workers: number) {
  const state = { ok: 0, failures: [] as unknown[], stopped: false };
  const loop = async () => {
    while (!state.stopped) {
      let conn: Conn | undefined;
      try {
        conn = await pool.acquire();
        await r.expr(1).run(conn);
        state.ok++;
      } catch (err) {
        state.failures.push(err);
      } finally {
        if (conn !== undefined) pool.release(conn);
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    state,
    stop: async () => {
      state.stopped = true;
      await done;
    },
  };
}

/** Polls `check` until it holds (hang guard `ms`). */
export async function waitFor(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Stops every node given, ignoring those already stopped. */
export async function stopAll(nodes: readonly TestServer[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()));
}
