// The one options parser: applies the defaults of options.ts, validates every option
// (a TypeError naming it, with "did you mean" for a misspelled key) and resolves the driver
// and the servers, at construction.
import { canDiscover, type Connector } from '../drivers/connector.js';
import { toDriver, type Driver } from '../drivers/driver.js';
import { resolveConnector } from '../drivers/resolve.js';
import { systemClock, type Clock } from './clock.js';
import { bool, checkKeys, describe, fn, int, MAX_TIMER_MS, optionsObject } from './option-checks.js';
import { DEFAULTS, MIN_DISCOVERY_INTERVAL_MS, type ServerAddress } from './options.js';

/** Options after defaults are applied, with the driver and the servers resolved. */
export interface ResolvedOptions<C> {
  readonly poolSize: number;
  readonly minIdle: number;
  readonly connectionTtlMs: number;
  readonly acquireTimeoutMs: number;
  readonly maxWaiters: number;
  readonly idleTimeoutMs: number;
  readonly validateAfterIdleMs: number;
  readonly pingTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly keepaliveMs: number;
  readonly leakDetectionMs: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  readonly failFast: boolean;
  readonly connectTimeoutMs: number;
  readonly maxConnecting: number;
  readonly heartbeatMs: number;
  readonly retireTimeoutMs: number;
  readonly maxQueriesPerConnection: number;
  readonly maxUses: number;
  readonly onConnect: ((conn: C) => void | PromiseLike<void>) | undefined;
  readonly mapAddress: (advertised: ServerAddress) => ServerAddress;
  readonly allowExitOnIdle: boolean;
  readonly clock: Clock;
  readonly driver: Driver<C>;
  /** The servers the user gave (never removed by discovery), or the one of the connect options. */
  readonly seeds: readonly ServerAddress[];
  /** Whether `servers` was given (else the one server's connect options go to the driver unchanged). */
  readonly explicitServers: boolean;
  readonly discovery: boolean;
  readonly discoveryIntervalMs: number;
}

const KEYS = [
  'poolSize', 'minIdle', 'connectionTtlMs', 'acquireTimeoutMs', 'maxWaiters', 'idleTimeoutMs',
  'validateAfterIdleMs', 'pingTimeoutMs', 'queryTimeoutMs', 'keepaliveMs', 'leakDetectionMs', 'backoff',
  'failFast', 'connectTimeoutMs', 'maxConnecting', 'heartbeatMs', 'retireTimeoutMs', 'maxQueriesPerConnection',
  'maxUses', 'onConnect', 'mapAddress', 'allowExitOnIdle', 'driver', 'servers', 'discovery', 'discoveryIntervalMs',
  'clock',
] as const;

/** The names of every pool option (for the README check). */
export const OPTION_NAMES: readonly string[] = KEYS;

/** Applies defaults and validates; throws `TypeError` naming the option. */
export function resolveOptions<C>(input: unknown, connectOptions: object): ResolvedOptions<C> {
  const o = optionsObject(input, 'pool options');
  checkKeys(o, KEYS, 'pool option');
  const poolSize = int(o, 'poolSize', DEFAULTS.poolSize, 1, 100_000);
  const maxWaiters = o.maxWaiters === Infinity
    ? Infinity
    : int(o, 'maxWaiters', DEFAULTS.maxWaiters, 0, Number.MAX_SAFE_INTEGER, 'an integer >= 0 or Infinity');
  const connector = resolveConnector(o.driver) as Connector<C, unknown>;
  const given = o.servers;
  const discovery = bool(o, 'discovery', DEFAULTS.discovery);
  if (discovery && !canDiscover(connector)) {
    throw new TypeError(
      'discovery: true needs a connector that can read rethinkdb.server_status: use the official ' +
        'rethinkdb driver or rethinkdb-ts, or give your Connector the optional method serverStatus(conn)',
    );
  }
  const ms = (key: string, dflt: number, min = 0) => int(o, key, dflt, min, MAX_TIMER_MS);
  return {
    poolSize,
    minIdle: int(o, 'minIdle', poolSize, 0, poolSize, '0 to poolSize'),
    connectionTtlMs: ms('connectionTtlMs', DEFAULTS.connectionTtlMs),
    acquireTimeoutMs: ms('acquireTimeoutMs', DEFAULTS.acquireTimeoutMs, 1),
    maxWaiters,
    idleTimeoutMs: ms('idleTimeoutMs', DEFAULTS.idleTimeoutMs),
    validateAfterIdleMs: ms('validateAfterIdleMs', DEFAULTS.validateAfterIdleMs),
    pingTimeoutMs: ms('pingTimeoutMs', DEFAULTS.pingTimeoutMs, 1),
    queryTimeoutMs: ms('queryTimeoutMs', DEFAULTS.queryTimeoutMs),
    keepaliveMs: ms('keepaliveMs', DEFAULTS.keepaliveMs),
    leakDetectionMs: ms('leakDetectionMs', DEFAULTS.leakDetectionMs),
    backoff: resolveBackoff(o.backoff),
    failFast: bool(o, 'failFast', DEFAULTS.failFast),
    connectTimeoutMs: ms('connectTimeoutMs', DEFAULTS.connectTimeoutMs, 1),
    maxConnecting: int(o, 'maxConnecting', DEFAULTS.maxConnecting, 1, 100_000),
    heartbeatMs: ms('heartbeatMs', DEFAULTS.heartbeatMs, 1),
    retireTimeoutMs: ms('retireTimeoutMs', DEFAULTS.retireTimeoutMs),
    maxQueriesPerConnection: int(o, 'maxQueriesPerConnection', DEFAULTS.maxQueriesPerConnection, 1, 1_000_000),
    maxUses: int(o, 'maxUses', DEFAULTS.maxUses, 0, Number.MAX_SAFE_INTEGER),
    onConnect: fn(o, 'onConnect', '(conn) => void | Promise<void>'),
    mapAddress: fn<(a: ServerAddress) => ServerAddress>(o, 'mapAddress', '({ host, port }) => { host, port }') ?? ((a) => a),
    allowExitOnIdle: bool(o, 'allowExitOnIdle', DEFAULTS.allowExitOnIdle),
    clock: resolveClock(o.clock),
    driver: toDriver(connector),
    seeds: given === undefined ? [seedOf(connectOptions)] : resolveServers(given),
    explicitServers: given !== undefined,
    discovery,
    discoveryIntervalMs: int(o, 'discoveryIntervalMs', DEFAULTS.discoveryIntervalMs, MIN_DISCOVERY_INTERVAL_MS, MAX_TIMER_MS),
  };
}

function resolveBackoff(value: unknown): { baseMs: number; maxMs: number } {
  if (value === undefined) return { ...DEFAULTS.backoff };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`backoff must be an object { baseMs, maxMs }, got ${describe(value)}`);
  }
  const b = value as Record<string, unknown>;
  checkKeys(b, ['baseMs', 'maxMs'], 'backoff option', 'backoff.');
  const baseMs = int(b, 'baseMs', DEFAULTS.backoff.baseMs, 1, MAX_TIMER_MS, undefined, 'backoff.');
  const maxMs = int(b, 'maxMs', Math.max(baseMs, DEFAULTS.backoff.maxMs), baseMs, MAX_TIMER_MS,
    'an integer >= backoff.baseMs', 'backoff.');
  return { baseMs, maxMs };
}

function resolveClock(value: unknown): Clock {
  if (value === undefined) return systemClock;
  const c = value as Partial<Clock> | null;
  if (c === null || typeof c !== 'object' || typeof c.now !== 'function' || typeof c.setTimeout !== 'function' ||
    typeof c.clearTimeout !== 'function') {
    throw new TypeError('clock must be an object with now(), setTimeout(callback, ms) and clearTimeout(handle)');
  }
  return c as Clock;
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
    if (typeof e.host !== 'string' || e.host === '') {
      throw new TypeError(`${name}.host must be a non-empty string, got ${describe(e.host)}`);
    }
    if (e.port === undefined) throw new TypeError(`${name}.port is missing: give the server's driver port (1 to 65535)`);
    const address = { host: e.host, port: int(e, 'port', 0, 1, 65_535, undefined, `${name}.`) };
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
  const server = (options as { server?: unknown }).server;
  // rethinkdb-ts takes `server: { host, port }` and refuses `host`/`port` beside it.
  if (server !== null && typeof server === 'object') return { ...options, server: { ...server, host: a.host, port: a.port } };
  return { ...options, host: a.host, port: a.port };
}
