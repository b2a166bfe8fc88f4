// Discovery: reads `rethinkdb.server_status` from a live server (through the driver's own
// query, see DiscoveryConnector) at start and then every `discoveryIntervalMs`, and makes
// the pool's servers match what it lists. A failed round changes nothing: servers are only
// removed when a server that answers no longer lists them.
import { isIP } from 'node:net';
import type { PoolEmitter } from '../pool/events.js';
import type { ServerAddress } from '../pool/options.js';
import { addressLabel } from './options.js';

/** What discovery changes: the pool's set of servers (cluster/servers.ts). */
export interface DiscoveryTarget {
  readonly seedHosts: readonly string[];
  reconcile(found: readonly ServerAddress[]): Promise<void>;
}

export class Discovery {
  #timer: ReturnType<typeof setInterval> | undefined = undefined;
  #round: Promise<void> | undefined = undefined;
  #first: Promise<void> | undefined = undefined;
  #stopped = false;

  /**
   * @param read the `server_status` rows, read on a connection of the pool.
   * @param set the servers to keep in line with them.
   */
  constructor(
    private readonly set: DiscoveryTarget,
    private readonly read: () => Promise<unknown[]>,
    private readonly intervalMs: number,
    private readonly emitter: PoolEmitter,
  ) {}

  /** Starts the rounds (idempotent); resolves when the first round is over. */
  start(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#first === undefined) {
      this.#timer = setInterval(() => void this.refresh(), this.intervalMs);
      this.#timer.unref(); // background work never keeps a program alive
      // Not now: start() may run inside the open of a connection, before it is usable.
      this.#first = Promise.resolve().then(() => this.refresh());
    }
    return this.#first;
  }

  /** One round (or the one in progress); never rejects. */
  refresh(): Promise<void> {
    this.#round ??= this.#run().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #run(): Promise<void> {
    if (this.#stopped) return;
    let found: ServerAddress[];
    try {
      found = addressesFrom(await this.read(), this.set.seedHosts);
      if (found.length === 0) throw new Error('rethinkdb.server_status listed no server with an address and a reql_port');
    } catch (error) {
      if (!this.#stopped && this.emitter.has('discoveryError')) this.emitter.emit('discoveryError', { error });
      return;
    }
    if (!this.#stopped) await this.set.reconcile(found);
  }
}

/**
 * The driver address of each `server_status` row: `network.reql_port` with one of
 * `network.canonical_addresses[].host` (`network.hostname` if none), chosen so that the
 * pool reaches the servers as it reaches its seeds: a seed's own (non-loopback) host if
 * listed; else, when a seed is reached over loopback (`127.0.0.1`, `localhost`, `::1`), that
 * same host for every server that lists a loopback address, as long as the port tells the
 * servers apart (all nodes on one machine); else a non-loopback address of the seed's
 * family (IPv4, IPv6 or name).
 */
export function addressesFrom(rows: readonly unknown[], seedHosts: readonly string[]): ServerAddress[] {
  const loopbackSeed = seedHosts.find(isLoopback);
  const family = seedHosts.length > 0 ? isIP(seedHosts[0]!) : 4;
  const parsed = rows.map(parseRow).filter((r) => r !== undefined);
  // Loopback host + port identifies a node only if no two nodes share the port.
  const loopbackPorts = new Map<number, number>();
  for (const r of parsed) if (r.hosts.some(isLoopback)) loopbackPorts.set(r.port, (loopbackPorts.get(r.port) ?? 0) + 1);
  const out = new Map<string, ServerAddress>();
  for (const { hosts, port } of parsed) {
    const remote = hosts.filter((h) => !isLoopback(h));
    const viaLoopback = loopbackSeed !== undefined && hosts.some(isLoopback) && loopbackPorts.get(port) === 1
      ? loopbackSeed
      : undefined;
    const host = remote.find((h) => seedHosts.includes(h)) ?? viaLoopback ??
      remote.find((h) => isIP(h) === family) ?? remote[0] ?? hosts[0];
    if (host === undefined) continue;
    const address = { host, port };
    out.set(addressLabel(address), address);
  }
  return [...out.values()];
}

function parseRow(row: unknown): { hosts: string[]; port: number } | undefined {
  const network = (row as { network?: unknown } | null)?.network as
    | { canonical_addresses?: unknown; hostname?: unknown; reql_port?: unknown }
    | null
    | undefined;
  if (network === null || typeof network !== 'object') return undefined;
  const port = network.reql_port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  const listed = Array.isArray(network.canonical_addresses)
    ? network.canonical_addresses
      .map((a: unknown) => (a as { host?: unknown } | null)?.host)
      .filter((h): h is string => typeof h === 'string' && h !== '')
    : [];
  const hosts = listed.length > 0 ? listed : typeof network.hostname === 'string' ? [network.hostname] : [];
  return { hosts, port };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
