// The options of startTestServer() and their checks, apart from the server so that the
// server file holds only what a running server does.
import type { UserDirectory } from './handshake.js';
import { isClusterMembership, type ClusterMembership } from './membership.js';
import { deriveCredentials } from './scram.js';
import { Store } from './store.js';

/**
 * Options of {@link startTestServer}. Every field is optional; an unknown field or a bad value
 * makes startTestServer() throw a TypeError naming it.
 */
export interface TestServerOptions {
  /**
   * TCP port, 0 to 65535; 0 picks a free one (read it back from `server.port`). restart()
   * and start() listen again on the port actually bound. @default 0
   */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * Accounts, user name to password; `''` means no password. Clients authenticate with
   * SCRAM-SHA-256 as with a real server. @default { admin: '' }
   */
  users?: Record<string, string>;
  /** Listen with TLS (the same protocol inside). @default undefined (plain TCP) */
  tls?: {
    /** Private key, PEM (a string or a Buffer). */
    key: string | Buffer;
    /** Certificate (chain) for `key`, PEM (a string or a Buffer). */
    cert: string | Buffer;
  };
  /**
   * Server name (SERVER_INFO, server_config, server_status): letters, digits and
   * underscores only. @default 'repool_' + the first 8 hex digits of the server's id
   */
  name?: string;
  /**
   * Data to serve; share one between servers of a test cluster. It outlives restart() and
   * stop(). @default a new Store (holding only an empty `test` database)
   */
  store?: Store;
  /**
   * Servers that list each other in server_status and server_config; share one (from
   * {@link createClusterMembership}) together with the store. @default a private membership
   * listing only this server
   */
  cluster?: ClusterMembership;
  /**
   * Shuffle unordered table scans with this seed (see `StoreOptions.scanSeed`): rows come
   * back in a reproducible order that is not insertion order, as a real server's hash order
   * is not, so code relying on scan order fails here too. Only for the store the server
   * creates: with `store`, set it on the Store instead.
   * @default undefined (insertion order)
   */
  scanSeed?: number;
}

const OPTION_NAMES = new Set(['port', 'host', 'users', 'tls', 'name', 'store', 'cluster', 'scanSeed']);
const SERVER_NAME = /^[A-Za-z0-9_]+$/;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isKeyMaterial(value: unknown): boolean {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

/** Throws a TypeError naming the first bad option. */
export function validateServerOptions(options: TestServerOptions): void {
  if (!isPlainObject(options)) throw new TypeError('startTestServer options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw new TypeError(`Unknown startTestServer option \`${key}\``);
  }
  const { port, host, users, tls, name, store, cluster } = options;
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new TypeError('Option `port` must be an integer from 0 to 65535');
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw new TypeError('Option `host` must be a non-empty string');
  if (users !== undefined) {
    if (!isPlainObject(users)) throw new TypeError('Option `users` must be an object of user name to password');
    for (const [user, password] of Object.entries(users)) {
      if (user === '' || typeof password !== 'string') {
        throw new TypeError('Option `users` must map non-empty user names to password strings');
      }
    }
  }
  if (tls !== undefined && !(isPlainObject(tls) && isKeyMaterial(tls.key) && isKeyMaterial(tls.cert))) {
    throw new TypeError('Option `tls` must be { key, cert } (PEM strings or Buffers)');
  }
  if (name !== undefined && !(typeof name === 'string' && SERVER_NAME.test(name))) {
    throw new TypeError('Option `name` must be a non-empty string of letters, digits and underscores');
  }
  if (store !== undefined && !(store instanceof Store)) throw new TypeError('Option `store` must be a Store');
  if (options.scanSeed !== undefined) {
    if (!Number.isSafeInteger(options.scanSeed)) throw new TypeError('Option `scanSeed` must be a safe integer');
    if (store !== undefined) throw new TypeError('Option `scanSeed` goes on the Store when `store` is given (new Store({ scanSeed }))');
  }
  if (cluster !== undefined && !isClusterMembership(cluster)) {
    throw new TypeError('Option `cluster` must be a ClusterMembership (createClusterMembership())');
  }
}

export function buildUsers(users: Record<string, string>): UserDirectory {
  return new Map(Object.entries(users).map(([user, password]) => [user, deriveCredentials(password)]));
}
