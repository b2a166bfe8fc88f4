// Which servers the pool has, as discovery learns them: a listed server is one the pool
// already has if its id matches (however it is reached), or its address; servers no longer
// listed are removed (never the user's own). Discovery adds at most MAX_DISCOVERED_SERVERS,
// and opens their first connections a few servers at a time, so that a cluster listing
// hundreds of unreachable servers cannot start a connect storm.
import { MAX_DISCOVERED_SERVERS } from '../core/options.js';
import { addressLabel } from '../core/resolve-options.js';
import type { Notifier } from '../core/notifier.js';
import type { ServerPool } from '../server/server-pool.js';
import type { Cluster } from './cluster.js';
import type { DiscoveryTarget, ListedServer } from './discovery.js';

/** Servers whose first connections open at once when discovery adds many. */
const OPEN_AT_ONCE = 4;

export class Membership<C> implements DiscoveryTarget {
  readonly seedHosts: readonly string[];
  /** Ids discovery gave servers that have not told their own yet. */
  readonly #listedIds = new Map<ServerPool<C>, string>();

  constructor(private readonly cluster: Cluster<C>, private readonly notify: Notifier) {
    this.seedHosts = cluster.options.seeds.map((a) => a.host);
  }

  async reconcile(found: readonly ListedServer[]): Promise<void> {
    const { cluster } = this;
    if (cluster.closing) return;
    const { mapAddress } = cluster.options;
    const listedIds = new Set(found.map((f) => f.id).filter((id) => id !== undefined));
    const listedLabels = new Set<string>();
    const added: ServerPool<C>[] = [];
    let cut = 0;
    for (const listed of found) {
      const address = mapAddress(listed.address);
      const label = addressLabel(address);
      listedLabels.add(label);
      if (cluster.active.some((s) => this.#idOf(s) === listed.id && listed.id !== undefined)) continue;
      if (cluster.active.some((s) => s.label === label)) continue;
      if (cluster.active.filter((s) => !s.seed).length >= MAX_DISCOVERED_SERVERS) {
        cut++;
        continue;
      }
      const server = cluster.add(address, cluster.connectOptionsOf(address), false);
      if (listed.id !== undefined) this.#listedIds.set(server, listed.id);
      added.push(server);
      this.notify.event('serverAdded', () => ({ server: label }));
    }
    for (const server of [...cluster.active]) {
      if (server.seed) continue;
      const id = this.#idOf(server);
      const listed = id !== undefined ? listedIds.has(id) : listedLabels.has(server.label);
      if (!listed) {
        this.#listedIds.delete(server);
        cluster.remove(server);
      }
    }
    if (cut > 0) {
      const error = new Error(
        `rethinkdb.server_status listed ${cut} more servers than the ${MAX_DISCOVERED_SERVERS} discovery adds; they are left out`,
      );
      this.notify.event('discoveryError', () => ({ error }));
    }
    for (let i = 0; i < added.length; i += OPEN_AT_ONCE) {
      if (cluster.closing) return;
      await Promise.allSettled(added.slice(i, i + OPEN_AT_ONCE).map((s) => s.init()));
    }
  }

  #idOf(server: ServerPool<C>): string | undefined {
    return server.id ?? this.#listedIds.get(server);
  }
}
