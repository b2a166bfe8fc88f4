// startTestServer(): a TCP (or TLS) listener speaking RethinkDB's client protocol on top of an
// in-memory Store. The controls live in controls.ts, start/stop/restart in lifecycle.ts; this
// file binds the listener and hands accepted sockets to ClientConnection.
import { randomUUID } from 'node:crypto';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ClientConnection, type ServerCounters } from './connection.js';
import { ConnectionControls } from './controls.js';
import type { RestartOptions, TestServer, TestServerMode, TestServerStats } from './handle.js';
import type { UserDirectory } from './handshake.js';
import { Lifecycle } from './lifecycle.js';
import { createClusterMembership, type ClusterMembership } from './membership.js';
import { buildUsers, validateServerOptions, type TestServerOptions } from './options.js';
import type { EvalContext, UserDescriptor } from './reql/types.js';
import { Store } from './store.js';

export type { RestartOptions, TestServer, TestServerMode, TestServerStats } from './handle.js';
export type { TestServerOptions } from './options.js';

class RunningTestServer implements TestServer {
  readonly host: string;
  readonly id = randomUUID();
  readonly name: string;
  private listener: Server | undefined;
  private boundPort: number;
  /** Set while listening: what queries evaluate against; undefined turns new sockets away. */
  private ctx: EvalContext | undefined;
  private readonly controls = new ConnectionControls();
  private readonly counters: ServerCounters = { handshakes: 0, queries: 0, ignoredHandshakes: 0, ignoredQueries: 0, feeds: 0 };
  private readonly users: UserDirectory;
  /** rethinkdb.users rows: names, and whether a password is set. */
  private readonly userRows: readonly UserDescriptor[];
  private readonly store: Store;
  private readonly cluster: ClusterMembership;
  readonly lifecycle = new Lifecycle({ open: () => this.listen(), close: () => this.closeListener() });

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

  private async listen(): Promise<void> {
    const { tls } = this.options;
    const listener = tls
      ? createTlsServer({ key: tls.key, cert: tls.cert, allowHalfOpen: false }, (s) => this.accept(s))
      : createTcpServer({ allowHalfOpen: false }, (s) => this.accept(s));
    // Sockets are tracked from TCP accept so that a close also reaches TLS ones mid-negotiation.
    listener.on('connection', (socket: Socket) => this.controls.track(socket));
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
    const self = {
      id: this.id, name: this.name, host: this.host, port: this.boundPort, pid: process.pid, timeStarted: Date.now(),
    };
    this.cluster.register(self);
    const { cluster, userRows } = this;
    this.ctx = { store: this.store, self, servers: () => cluster.list(), users: () => userRows };
  }

  private accept(socket: Socket): void {
    const ctx = this.ctx;
    if (!ctx) {
      socket.destroy();
      return;
    }
    this.controls.track(socket);
    const { controls } = this;
    const conn = new ClientConnection(
      socket,
      { users: this.users, ctx, counters: this.counters, paused: controls.paused, latencyMs: controls.latencyMs, mode: controls.mode },
      (closed) => controls.remove(closed),
    );
    controls.add(conn);
  }

  dropConnections(): void {
    this.controls.drop();
  }

  pause(): void {
    this.controls.pause();
  }

  resume(): void {
    this.controls.resume();
  }

  setLatency(ms: number): void {
    this.controls.setLatency(ms);
  }

  get mode(): TestServerMode {
    return this.controls.mode;
  }

  setMode(mode: TestServerMode): void {
    this.controls.setMode(mode);
  }

  restart(options?: RestartOptions): Promise<void> {
    return this.lifecycle.restart(options);
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  stats(): TestServerStats {
    const { handshakes, queries, ignoredHandshakes, ignoredQueries, feeds } = this.counters;
    return { connections: this.controls.connections.size, handshakes, queries, ignoredHandshakes, ignoredQueries, feeds };
  }

  private async closeListener(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    // Unlisted before the port closes: a client that finds it refused must not still see it listed.
    if (this.ctx) this.cluster.unregister(this.id);
    this.ctx = undefined;
    const closed = listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve();
    this.controls.drop();
    await closed;
  }
}

/**
 * Starts a RethinkDB-protocol test server; resolves once it is listening. Throws a TypeError
 * naming the first bad option; rejects if it cannot listen (e.g. the port is in use).
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  validateServerOptions(options);
  const server = new RunningTestServer(options);
  await server.lifecycle.begin();
  return server;
}
