// Which test servers make up one cluster. Servers that share a membership (and a Store) list
// each other in rethinkdb.server_status; a server started alone gets a private one.
import type { ServerDescriptor } from './reql/types.js';

/**
 * The live servers of one test cluster, made by {@link createClusterMembership}. Servers
 * given it as their `cluster` option register whenever they listen (start, restart(),
 * start()) and unregister whenever they stop listening (restart() and its downtime, stop()),
 * by themselves; a silent or zombie server stays registered. Tests normally only pass it
 * around.
 */
export interface ClusterMembership {
  /** Adds a server, or replaces the descriptor with the same id (after a restart or start()). */
  register(server: ServerDescriptor): void;
  /**
   * Removes the server with this id; nothing happens if it is not listed. It keeps its place
   * in the order, so registering it again (a restart, a start()) puts it back where it was.
   */
  unregister(id: string): void;
  /** Live servers, in the order they first registered. */
  list(): readonly ServerDescriptor[];
}

/** An in-process membership; pass the same one to several startTestServer() calls. */
export function createClusterMembership(): ClusterMembership {
  const servers = new Map<string, ServerDescriptor>();
  // First-registration rank per id, kept after unregister so a restarted server (which
  // unregisters, then registers again) keeps its place instead of moving to the end.
  const rank = new Map<string, number>();
  let snapshot: readonly ServerDescriptor[] | undefined;
  return {
    register(server) {
      if (!rank.has(server.id)) rank.set(server.id, rank.size);
      servers.set(server.id, server);
      snapshot = undefined;
    },
    unregister(id) {
      if (servers.delete(id)) snapshot = undefined;
    },
    list() {
      const byRank = (a: ServerDescriptor, b: ServerDescriptor) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0);
      snapshot ??= Object.freeze([...servers.values()].sort(byRank));
      return snapshot;
    },
  };
}

export function isClusterMembership(value: unknown): value is ClusterMembership {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return typeof m.register === 'function' && typeof m.unregister === 'function' && typeof m.list === 'function';
}
