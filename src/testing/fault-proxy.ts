// A TCP proxy that sits between a client (a pool, a driver) and a server (usually the test
// server) and injects the network faults a pool must survive: latency, resets, a silent
// network (blackhole) and refused connections. While the target is down it accepts and closes,
// as the load balancers in front of real deployments do.
import * as net from 'node:net';
import { checkOptions, type FaultProxyOptions } from './fault-proxy/options.js';

export type { FaultProxyOptions, FaultProxyTarget } from './fault-proxy/options.js';
import { Pair, reset, type PairContext } from './fault-proxy/pair.js';

/** A snapshot returned by {@link FaultProxy.stats}; reading it changes nothing. Counts run from start. */
export interface FaultProxyStats {
  /** Client connections currently open through the proxy. */
  connections: number;
  /** Client connections accepted since start, refused ones included. */
  accepted: number;
  /** Client connections closed at once because `refuse(true)` was on. */
  refused: number;
  /**
   * Client connections accepted, then closed (or reset, see `whenTargetDown`) because the
   * target could not be reached.
   */
  targetDown: number;
  /** Bytes written to the target (dropped bytes are not counted). */
  bytesUp: number;
  /** Bytes written to clients (dropped bytes are not counted). */
  bytesDown: number;
}

/**
 * A running fault proxy, as {@link startFaultProxy} resolves it. Faults are off at start;
 * each control stays as set until changed.
 */
export interface FaultProxy {
  /** The address the proxy listens on: connect clients here. */
  readonly host: string;
  /** The port the proxy listens on (the free one picked if the `port` option was 0). */
  readonly port: number;
  /**
   * Delays every chunk by `ms` in each direction, so a round trip gains 2 × `ms`. Chunks keep
   * their order and are never split. Applies to chunks received from now on. 0 turns it off.
   * Throws a TypeError unless `ms` is a finite number >= 0.
   *
   * @param ms - Delay in milliseconds, per direction.
   */
  setLatency(ms: number): void;
  /**
   * Resets every open connection: both sockets are destroyed with a TCP RST (a plain close for
   * a target connection still connecting). Chunks held for latency are dropped.
   */
  resetAll(): void;
  /**
   * While on, nothing crosses the proxy in either direction: connections are still accepted
   * (and held), and a close by the target is held back until it is turned off (a partition
   * hides it). Bytes received meanwhile are held and delivered in order when it ends, as TCP
   * retransmits across a partition that heals (`how: 'hold'`), or discarded for good
   * (`how: 'drop'`, which no real TCP connection does). A client that closes still closes
   * its target connection, so nothing lingers.
   * @param how what happens to the bytes sent meanwhile. @default 'hold'
   */
  blackhole(on: boolean, how?: 'hold' | 'drop'): void;
  /**
   * While on, new connections are reset (RST) as soon as they are accepted; open ones live on.
   * A reset rather than a clean close because the official driver fails its connect at once on
   * a socket error, but on a clean close mid-handshake it waits for its connect timeout.
   */
  refuse(on: boolean): void;
  /** Connection and byte counts, as a new snapshot on each call. */
  stats(): FaultProxyStats;
  /** Closes the listener and every connection; idempotent. No socket or timer remains. */
  stop(): Promise<void>;
  /** stop(), for `await using proxy = await startFaultProxy(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a fault proxy in front of `options.target`; resolves once it is listening, with no
 * fault on. Throws a TypeError naming the first bad option; rejects if it cannot listen.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  checkOptions(options);
  const target = options.target;
  const pairs = new Set<Pair>();
  /** Every socket the proxy owns, so that stop() leaves none behind. */
  const sockets = new Set<net.Socket>();
  const counts = { connections: 0, accepted: 0, refused: 0, targetDown: 0, bytesUp: 0, bytesDown: 0 };
  let latencyMs = 0;
  let blackholed = false;
  let blackholeMode: 'hold' | 'drop' = 'hold';
  let refusing = false;
  let stopping: Promise<void> | undefined;
  const context: PairContext = {
    counts,
    latencyMs: () => latencyMs,
    blackholed: () => blackholed,
    blackholeMode: () => blackholeMode,
    whenTargetDown: options.whenTargetDown ?? 'close',
    done: (pair) => pairs.delete(pair),
  };

  function own(socket: net.Socket): void {
    sockets.add(socket);
    // A reset or refused connection must never crash the process: every socket listens.
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
  }

  function onConnection(client: net.Socket): void {
    own(client);
    counts.accepted += 1;
    // A connection accepted while stop() runs is turned away too (not counted as refused).
    if (refusing || stopping !== undefined) {
      if (refusing) counts.refused += 1;
      reset(client);
      return;
    }
    counts.connections += 1;
    const upstream = net.connect({ host: target.host, port: target.port });
    own(upstream);
    pairs.add(new Pair(client, upstream, context));
  }

  const server = net.createServer(onConnection);
  // Errors after listening (accept failures such as EMFILE) must not crash the process.
  const onListenError = (): void => {};
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' }, () => {
      server.off('error', reject);
      server.on('error', onListenError);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  function stop(): Promise<void> {
    if (stopping !== undefined) return stopping;
    const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const pair of pairs) pair.clear();
    pairs.clear();
    // Wait for every socket's 'close' (its handle is gone by then), target sides included,
    // which server.close() alone does not cover. A socket leaves `sockets` on its 'close',
    // so every one still there has that event to come.
    const socketsClosed = [...sockets].map((socket) => {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.destroy();
      return closed;
    });
    stopping = Promise.all([listenerClosed, ...socketsClosed]).then(() => undefined);
    return stopping;
  }

  return {
    host: address.address,
    port: address.port,
    setLatency(ms: number): void {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new TypeError(`setLatency: ms must be a finite number >= 0 (got ${String(ms)})`);
      }
      latencyMs = ms;
    },
    resetAll(): void {
      for (const pair of pairs) pair.resetBoth();
    },
    blackhole(on: boolean, how: 'hold' | 'drop' = 'hold'): void {
      if (typeof on !== 'boolean') throw new TypeError(`blackhole: on must be a boolean (got ${String(on)})`);
      if (how !== 'hold' && how !== 'drop') throw new TypeError(`blackhole: how must be 'hold' or 'drop' (got ${String(how)})`);
      blackholed = on;
      blackholeMode = how;
      // Dropping: chunks already held for latency are lost with the rest.
      if (on && how === 'drop') for (const pair of pairs) pair.clear();
      else if (!on) for (const pair of [...pairs]) pair.releaseHeld();
    },
    refuse(on: boolean): void {
      if (typeof on !== 'boolean') throw new TypeError(`refuse: on must be a boolean (got ${String(on)})`);
      refusing = on;
    },
    stats(): FaultProxyStats {
      return { ...counts };
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
