// Discovery: reads `rethinkdb.server_status` from a live server at start and then every
// `discoveryIntervalMs`, and makes the pool's servers match what it lists. Servers are
// known by their id, not by the address they are reached at. A round has a deadline
// (`pingTimeoutMs`): a lost answer is a failed round, never a stop. A failed round changes
// nothing: servers are only removed when a server that answers no longer lists them.
import { isIP } from 'node:net';
import { backgroundTimer, type Clock, type TimerHandle } from '../core/clock.js';
import { withDeadline } from '../core/deadline.js';
import type { Notifier } from '../core/notifier.js';
import type { ServerAddress } from '../core/options.js';

/** A server as `server_status` lists it. */
export interface ListedServer {
  readonly id: string | undefined;
  readonly address: ServerAddress;
}

/** What discovery changes: the pool's set of servers (membership.ts). */
export interface DiscoveryTarget {
  readonly seedHosts: readonly string[];
  reconcile(found: readonly ListedServer[]): Promise<void>;
}

export class Discovery {
  #timer: TimerHandle | undefined = undefined;
  #round: Promise<void> | undefined = undefined;
  #first: Promise<void> | undefined = undefined;
  #stopped = false;

  /**
   * @param read the `server_status` rows, read on a connection of the pool.
   * @param deadlineMs longest a round's read may take.
   */
  constructor(
    private readonly target: DiscoveryTarget,
    private readonly read: () => Promise<unknown[]>,
    private readonly intervalMs: number,
    private readonly deadlineMs: number,
    private readonly clock: Clock,
    private readonly notify: Notifier,
  ) {}

  /** Starts the rounds (idempotent); resolves when the first round is over. */
  start(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    // Not now: start() may run inside the open of a connection, before it is usable.
    this.#first ??= Promise.resolve().then(() => this.refresh()).finally(() => this.#schedule());
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
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = backgroundTimer(this.clock, () => {
      this.#timer = undefined;
      void this.refresh().finally(() => this.#schedule());
    }, this.intervalMs);
  }

  async #run(): Promise<void> {
    if (this.#stopped) return;
    let found: ListedServer[];
    try {
      const rows = await withDeadline(this.clock, this.read(), this.deadlineMs, 'the read of rethinkdb.server_status');
      found = serversFrom(rows, this.target.seedHosts);
      if (found.length === 0) throw new Error('rethinkdb.server_status listed no server with an address and a reql_port');
    } catch (error) {
      if (!this.#stopped) this.notify.event('discoveryError', () => ({ error }));
      return;
    }
    if (!this.#stopped) await this.target.reconcile(found);
  }
}

/**
 * The servers of `server_status` rows: each one's id and driver address, `network.reql_port`
 * with one of `network.canonical_addresses[].host` (`network.hostname` if none), chosen so
 * that the pool reaches the servers as it reaches its seeds: a seed's own (non-loopback) host
 * if listed; else, when a seed is reached over loopback, that same host for every server that
 * lists a loopback address, as long as the port tells the servers apart (all nodes on one
 * machine); else a non-loopback address of the seed's family (IPv4, IPv6 or name).
 */
export function serversFrom(rows: readonly unknown[], seedHosts: readonly string[]): ListedServer[] {
  const loopbackSeed = seedHosts.find(isLoopback);
  const family = seedHosts.length > 0 ? isIP(seedHosts[0]!) : 4;
  const parsed = rows.map(parseRow).filter((r) => r !== undefined);
  // Loopback host + port identifies a node only if no two nodes share the port.
  const loopbackPorts = new Map<number, number>();
  for (const r of parsed) if (r.hosts.some(isLoopback)) loopbackPorts.set(r.port, (loopbackPorts.get(r.port) ?? 0) + 1);
  const out: ListedServer[] = [];
  for (const { id, hosts, port } of parsed) {
    const remote = hosts.filter((h) => !isLoopback(h));
    const viaLoopback = loopbackSeed !== undefined && hosts.some(isLoopback) && loopbackPorts.get(port) === 1
      ? loopbackSeed
      : undefined;
    const host = remote.find((h) => seedHosts.includes(h)) ?? viaLoopback ??
      remote.find((h) => isIP(h) === family) ?? remote[0] ?? hosts[0];
    if (host === undefined) continue;
    out.push({ id, address: { host, port } });
  }
  return out;
}

function parseRow(row: unknown): { id: string | undefined; hosts: string[]; port: number } | undefined {
  const r = row as { id?: unknown; network?: unknown } | null;
  const network = r?.network as
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
  return { id: typeof r?.id === 'string' ? r.id : undefined, hosts, port };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
