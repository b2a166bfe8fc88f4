// The cluster options (`servers`, `discovery`, `discoveryIntervalMs`): validated at
// construction like every other option (TypeError naming the option), resolved apart from
// the per-server options so that a sub-pool never sees them.
import { canDiscover, type Connector } from '../drivers/connector.js';
import { checkKeys, DEFAULTS, describe, int, MAX_TIMER_MS, type ServerAddress } from '../pool/options.js';

/** The cluster part of the options, after defaults. */
export interface ClusterOptions {
  /** The servers the user gave (never removed by discovery). */
  seeds: ServerAddress[];
  /** Whether `servers` was given (else the one server comes from the connect options). */
  explicit: boolean;
  discovery: boolean;
  discoveryIntervalMs: number;
}

/** Smallest `discoveryIntervalMs`: reading server_status more often only loads the cluster. */
export const MIN_DISCOVERY_INTERVAL_MS = 10;

export function resolveClusterOptions(
  poolOptions: unknown, connectOptions: object, connector: Connector<unknown, unknown>,
): ClusterOptions {
  const o = (poolOptions ?? {}) as Record<string, unknown>;
  const given = o['servers'];
  const seeds = given === undefined ? [seedOf(connectOptions)] : resolveServers(given);
  if (o['discovery'] !== undefined && typeof o['discovery'] !== 'boolean') {
    throw new TypeError(`discovery must be a boolean, got ${describe(o['discovery'])}`);
  }
  const discovery = (o['discovery'] as boolean | undefined) ?? DEFAULTS.discovery;
  const discoveryIntervalMs = int(o, 'discoveryIntervalMs', DEFAULTS.discoveryIntervalMs, MIN_DISCOVERY_INTERVAL_MS, MAX_TIMER_MS);
  if (discovery && !canDiscover(connector)) {
    throw new TypeError(
      'discovery: true needs a connector that can read rethinkdb.server_status: use the official ' +
        'rethinkdb driver or rethinkdb-ts, or give your Connector the optional method serverStatus(conn)',
    );
  }
  return { seeds, explicit: given !== undefined, discovery, discoveryIntervalMs };
}

function resolveServers(value: unknown): ServerAddress[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`servers must be a non-empty array of { host, port }, got ${describe(value)}`);
  }
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const name = `servers[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new TypeError(`${name} must be an object { host, port }, got ${describe(entry)}`);
    }
    const e = entry as Record<string, unknown>;
    checkKeys(e, ['host', 'port'], 'server key', `${name}.`);
    if (typeof e['host'] !== 'string' || e['host'] === '') {
      throw new TypeError(`${name}.host must be a non-empty string, got ${describe(e['host'])}`);
    }
    if (e['port'] === undefined) throw new TypeError(`${name}.port is missing: give the server's driver port (1 to 65535)`);
    const port = int(e, 'port', 0, 1, 65_535, undefined, `${name}.`);
    const address = { host: e['host'], port };
    const label = addressLabel(address);
    if (seen.has(label)) throw new TypeError(`${name} repeats ${label}; list each server once`);
    seen.add(label);
    return address;
  });
}

/** The one server of the connect options (`host`/`port`, or rethinkdb-ts' `server`). */
export function seedOf(options: object): ServerAddress {
  const o = options as { host?: unknown; port?: unknown; server?: { host?: unknown; port?: unknown } };
  const host = o.host ?? o.server?.host ?? 'localhost';
  const port = o.port ?? o.server?.port ?? 28015;
  return { host: String(host), port: Number(port) };
}

/** `host:port`, the name of a server in events, stats and errors (IPv6 in brackets). */
export function addressLabel(a: ServerAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** The connect options of one server: the user's, with that server's host and port. */
export function connectOptionsFor(options: object, a: ServerAddress): object {
  const out: Record<string, unknown> = { ...options, host: a.host, port: a.port };
  const server = (options as { server?: unknown }).server;
  // rethinkdb-ts reads `server: { host, port }` before `host`/`port`.
  if (server !== null && typeof server === 'object') out['server'] = { ...server, host: a.host, port: a.port };
  return out;
}
