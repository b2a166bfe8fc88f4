// startTestServer(): a TCP (or TLS) listener speaking RethinkDB's client protocol on top of an
// in-memory Store, with the controls a pool's tests need: drop, pause, latency, restart, stop.
import { randomUUID } from 'node:crypto';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ClientConnection, type ServerCounters } from './connection.js';
import type { UserDirectory } from './handshake.js';
import { createClusterMembership, isClusterMembership, type ClusterMembership } from './membership.js';
import type { EvalContext, ServerDescriptor, UserDescriptor } from './reql/types.js';
import { deriveCredentials } from './scram.js';
import { Store, type StoreOptions } from './store.js';

/**
 * Options of {@link startTestServer}. Every field is optional; an unknown field or a bad value
 * makes startTestServer() throw a TypeError naming it.
 */
export interface TestServerOptions {
  /**
   * TCP port, 0 to 65535; 0 picks a free one (read it back from `server.port`). restart()
   * listens again on the port actually bound. @default 0
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
   * Shuffle unordered table scans with this seed (see {@link StoreOptions.scanSeed}): rows
   * come back in a reproducible order that is not insertion order, as a real server's
   * hash order is not, so code relying on scan order fails here too. Only for the store
   * the server creates: with `store`, set it on the Store instead.
   * @default undefined (insertion order)
   */
  scanSeed?: number;
}

/**
 * A snapshot returned by {@link TestServer.stats}; reading it changes nothing. The counters
 * run from startTestServer() and are kept across restart().
 */
export interface TestServerStats {
  /** Client connections open now (including those still in the handshake). */
  readonly connections: number;
  /** Handshakes completed since start. */
  readonly handshakes: number;
  /** Query frames served since start (noreply queries included). */
  readonly queries: number;
}

/** A running test server, as {@link startTestServer} resolves it. */
export interface TestServer {
  /** The interface it listens on: the `host` option, `'127.0.0.1'` by default. */
  readonly host: string;
  /** The port it listens on (the free one picked if the option was 0); kept across restart(). */
  readonly port: number;
  /** Server UUID, kept across restart(). */
  readonly id: string;
  /** Server name (the `name` option or the generated one), kept across restart(). */
  readonly name: string;
  /** Destroys every client socket at once, without a goodbye (as a crashed server would). */
  dropConnections(): void;
  /** Stops answering (handshakes included); sockets stay open and input is queued. Survives restart(). */
  pause(): void;
  /** Answers everything queued since pause(), in order, and goes on answering. */
  resume(): void;
  /**
   * Delays every answer, handshake messages included, by `ms` (0 = off); answers on a
   * connection keep their order. Survives restart().
   */
  setLatency(ms: number): void;
  /** Closes every connection and the listener, then listens again on the same port; data is kept. */
  restart(): Promise<void>;
  /** Closes everything; idempotent. Afterwards no socket, timer or listener remains. */
  stop(): Promise<void>;
  /** Connection, handshake and query counts, as a new snapshot on each call. */
  stats(): TestServerStats;
}

const OPTION_NAMES = new Set(['port', 'host', 'users', 'tls', 'name', 'store', 'cluster', 'scanSeed']);
const SERVER_NAME = /^[A-Za-z0-9_]+$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isKeyMaterial(value: unknown): boolean {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

/** Throws a TypeError naming the first bad option. */
function validate(options: TestServerOptions): void {
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

function buildUsers(users: Record<string, string>): UserDirectory {
  return new Map(Object.entries(users).map(([user, password]) => [user, deriveCredentials(password)]));
}

class RunningTestServer implements TestServer {
  readonly host: string;
  readonly id = randomUUID();
  readonly name: string;
  private listener: Server | undefined;
  private boundPort: number;
  private descriptor: ServerDescriptor | undefined;
  private ctx: EvalContext | undefined;
  private readonly connections = new Set<ClientConnection>();
  /** Raw sockets, including TLS ones still negotiating (not yet a ClientConnection). */
  private readonly sockets = new Set<Socket>();
  private readonly counters: ServerCounters = { handshakes: 0, queries: 0 };
  private readonly users: UserDirectory;
  /** rethinkdb.users rows: names, and whether a password is set. */
  private readonly userRows: readonly UserDescriptor[];
  private readonly store: Store;
  private readonly cluster: ClusterMembership;
  private paused = false;
  private latencyMs = 0;
  private stopping: Promise<void> | undefined;
  /** An in-flight restart(); stop() waits for it, or the listener it reopens would leak. */
  private restarting: Promise<void> | undefined;

  constructor(private readonly options: TestServerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    this.name = options.name ?? `repool_${this.id.slice(0, 8)}`;
    const users = options.users ?? { admin: '' };
    this.users = buildUsers(users);
    this.userRows = Object.freeze(Object.entries(users).map(([id, password]) => ({ id, password: password !== '' })));
    this.store = options.store ?? new Store(options.scanSeed === undefined ? {} : { scanSeed: options.scanSeed });
    this.cluster = options.cluster ?? createClusterMembership();
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<void> {
    const { tls } = this.options;
    const listener = tls
      ? createTlsServer({ key: tls.key, cert: tls.cert, allowHalfOpen: false }, (s) => this.accept(s))
      : createTcpServer({ allowHalfOpen: false }, (s) => this.accept(s));
    // Sockets are tracked from TCP accept so that stop() also reaches TLS ones mid-negotiation.
    listener.on('connection', (socket: Socket) => this.track(socket));
    listener.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(this.boundPort, this.host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    listener.on('error', () => {});
    this.listener = listener;
    const address = listener.address();
    if (address !== null && typeof address === 'object') this.boundPort = address.port;
    const descriptor: ServerDescriptor = {
      id: this.id, name: this.name, host: this.host, port: this.boundPort, pid: process.pid, timeStarted: Date.now(),
    };
    this.descriptor = descriptor;
    this.cluster.register(descriptor);
    const { cluster, userRows } = this;
    this.ctx = { store: this.store, self: descriptor, servers: () => cluster.list(), users: () => userRows };
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private accept(socket: Socket): void {
    const ctx = this.ctx;
    if (!ctx || this.stopping) {
      socket.destroy();
      return;
    }
    this.track(socket);
    const conn = new ClientConnection(
      socket,
      { users: this.users, ctx, counters: this.counters, paused: this.paused, latencyMs: this.latencyMs },
      (closed) => this.connections.delete(closed),
    );
    this.connections.add(conn);
  }

  dropConnections(): void {
    for (const conn of this.connections) conn.destroy();
    for (const socket of this.sockets) socket.destroy();
  }

  pause(): void {
    this.paused = true;
    for (const conn of this.connections) conn.pause();
  }

  resume(): void {
    this.paused = false;
    for (const conn of [...this.connections]) conn.resume();
  }

  setLatency(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new TypeError('setLatency(ms): ms must be a number >= 0');
    this.latencyMs = ms;
    for (const conn of this.connections) conn.setLatency(ms);
  }

  async restart(): Promise<void> {
    if (this.stopping) throw new Error('restart() after stop(): the test server is stopped');
    const restarting = this.closeListener().then(() => this.listen());
    this.restarting = restarting;
    try {
      await restarting;
    } finally {
      if (this.restarting === restarting) this.restarting = undefined;
    }
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      const restarting = this.restarting;
      const closed = restarting ? restarting.catch(() => {}).then(() => this.closeListener()) : this.closeListener();
      this.stopping = closed.then(() => this.cluster.unregister(this.id));
    }
    return this.stopping;
  }

  stats(): TestServerStats {
    return { connections: this.connections.size, handshakes: this.counters.handshakes, queries: this.counters.queries };
  }

  private async closeListener(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    this.ctx = undefined;
    if (this.descriptor) this.cluster.unregister(this.descriptor.id);
    this.descriptor = undefined;
    const closed = listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve();
    this.dropConnections();
    await closed;
  }
}

/**
 * Starts a RethinkDB-protocol test server; resolves once it is listening. Throws a TypeError
 * naming the first bad option; rejects if it cannot listen (e.g. the port is in use).
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  validate(options);
  const server = new RunningTestServer(options);
  await server.listen();
  return server;
}
