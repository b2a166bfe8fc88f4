// What a test's code holds: the public interface of a running test server, its stats
// snapshot and the options of its controls. The implementation is in server.ts.

/** Options of {@link TestServer.restart}. An unknown field or a bad value is a TypeError. */
export interface RestartOptions {
  /**
   * How long the server is down: after closing every connection and the listener it listens
   * again only `downMs` later; meanwhile a connect is refused (ECONNREFUSED: nothing listens
   * on the port). 0 listens again at once. A finite number >= 0. @default 0
   */
  downMs?: number;
  /**
   * Waits out the downtime instead of a timer, so a test controls when it ends (a gate it
   * opens, or a fake clock's sleep). Called with `downMs` once the server is down (the port
   * refuses from that moment); the server listens again when the returned promise settles.
   * A stop() meanwhile ends the wait at once. @default a timer of `downMs`
   */
  delay?: (ms: number) => PromiseLike<unknown>;
}

/**
 * How a test server answers, set by {@link TestServer.setMode}: `'normal'`, or one of the
 * ways a hung server fails (`'silent'`: no handshake; `'zombie'`: handshake, then no answer).
 */
export type TestServerMode = 'normal' | 'silent' | 'zombie';

/**
 * A snapshot returned by {@link TestServer.stats}; reading it changes nothing. The counters
 * run from startTestServer() and are kept across restart(), stop() and start().
 */
export interface TestServerStats {
  /** Client connections open now (including those still in the handshake). */
  readonly connections: number;
  /** Handshakes completed since start. */
  readonly handshakes: number;
  /** Query frames served since start (noreply queries included; not those a zombie dropped). */
  readonly queries: number;
  /** Connections whose handshake went unanswered because the server was silent (each counted once). */
  readonly ignoredHandshakes: number;
  /** Query frames read and never answered because the server was a zombie. */
  readonly ignoredQueries: number;
  /**
   * Changefeeds open now: started and not yet stopped (STOP), ended (their table dropped)
   * or closed with their connection.
   */
  readonly feeds: number;
}

/** A running test server, as {@link startTestServer} resolves it. */
export interface TestServer {
  /** The interface it listens on: the `host` option, `'127.0.0.1'` by default. */
  readonly host: string;
  /** The port it listens on (the free one picked if the option was 0); kept across restart() and start(). */
  readonly port: number;
  /** Server UUID, kept across restart() and start(). */
  readonly id: string;
  /** Server name (the `name` option or the generated one), kept across restart() and start(). */
  readonly name: string;
  /** Destroys every client socket at once, without a goodbye (as a crashed server would). */
  dropConnections(): void;
  /** Stops answering (handshakes included); sockets stay open and input is queued. Survives restart() and start(). */
  pause(): void;
  /** Answers everything queued since pause(), in order, and goes on answering. */
  resume(): void;
  /**
   * Delays every answer, handshake messages included, by `ms` (0 = off); answers on a
   * connection keep their order. Survives restart() and start().
   */
  setLatency(ms: number): void;
  /**
   * Makes the server fail as a hung server does, or brings it back; sockets stay open in
   * every mode, and the mode survives restart() and start().
   *
   * - `'silent'`: accepts TCP (and TLS) but never answers a handshake message, on new
   *   connections and on those still in their handshake. Their bytes are read and dropped, so
   *   such a connection never completes, even after `'normal'`. Connections past their
   *   handshake go on working.
   * - `'zombie'`: completes handshakes, then never answers a query (SERVER_INFO, CONTINUE,
   *   STOP and NOREPLY_WAIT included), on new and open connections alike. Queries are read
   *   and dropped: they stay unanswered after `'normal'`. Answers already held by latency or
   *   pause() still leave.
   * - `'normal'`: answers again, from now on.
   *
   * Unlike pause(), nothing is queued for later. In a test cluster the node stays listed in
   * server_status: the other nodes do not know it is hung, which is what makes it dangerous.
   * Throws a TypeError for any other value.
   */
  setMode(mode: TestServerMode): void;
  /** The mode last set by setMode(); `'normal'` at start. */
  readonly mode: TestServerMode;
  /**
   * Closes every connection and the listener, stays down for `downMs` (connects are refused),
   * then listens again on the same port with the same data, id and name. Resolves once it
   * listens again. With no argument it listens again at once (no gap).
   *
   * Rejects if the server is stopped, if stop() is called before it listens again (the server
   * then stays stopped), or if the port cannot be bound again (the server is then stopped).
   * Calls to restart(), stop() and start() take effect one after the other, in call order.
   */
  restart(options?: RestartOptions): Promise<void>;
  /**
   * Closes every connection and the listener and leaves the server down until start();
   * idempotent (calls until the next start() share one promise). Afterwards no socket,
   * timer or listener remains. A restart() in its downtime ends it at once.
   */
  stop(): Promise<void>;
  /**
   * Listens again after stop(), on the same port with the same data (store), id, name and
   * controls (pause, latency); resolves once it listens. On a running server it does nothing
   * but wait for a restart() in progress. Rejects if the port cannot be bound again (taken
   * meanwhile); the server then stays stopped.
   */
  start(): Promise<void>;
  /** Connection, handshake and query counts, as a new snapshot on each call. */
  stats(): TestServerStats;
  /** stop(), for `await using server = await startTestServer(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
}
