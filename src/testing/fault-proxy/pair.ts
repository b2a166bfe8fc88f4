// One client connection through the fault proxy and its connection to the target: bytes go
// through a Lane each way, a close on one side is passed on to the other, and a target that
// cannot be reached is handled as a load balancer does (accept, then close).
import type { Socket } from 'node:net';
import { Lane } from './lane.js';

/** The counters a pair adds to (the proxy's stats). */
export interface PairCounts {
  connections: number;
  targetDown: number;
  bytesUp: number;
  bytesDown: number;
}

/** What a pair reads from its proxy each time, since the proxy's controls change. */
export interface PairContext {
  readonly counts: PairCounts;
  latencyMs(): number;
  blackholed(): boolean;
  /** While blackholed: bytes are held and delivered when it ends (TCP), or dropped. */
  blackholeMode(): 'hold' | 'drop';
  /** How a client is turned away when the target cannot be reached. */
  readonly whenTargetDown: 'close' | 'reset';
  /** Both sockets are closed: forget the pair. */
  done(pair: Pair): void;
}

/** Closes a socket with an RST where Node can (an open TCP socket), else plainly. */
export function reset(socket: Socket): void {
  if (socket.destroyed) return;
  // resetAndDestroy() on a socket still connecting waits for the connection: do not wait.
  if (socket.connecting) {
    socket.destroy();
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export class Pair {
  readonly up: Lane;
  readonly down: Lane;
  /** The target accepted the connection: a close from it is a close, not "target down". */
  private connected = false;
  /** The target closed while blackholed: how, to be passed on when the blackhole ends. */
  private heldClose: { hadError: boolean } | undefined;
  /** Bytes received while blackholed (mode 'hold'), delivered in order when it ends. */
  private heldUp: Buffer[] = [];
  private heldDown: Buffer[] = [];

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    private readonly ctx: PairContext,
  ) {
    const { counts } = ctx;
    this.up = new Lane(client, upstream, (n) => (counts.bytesUp += n));
    this.down = new Lane(upstream, client, (n) => (counts.bytesDown += n));
    upstream.once('connect', () => {
      this.connected = true;
      this.up.flush();
    });
    client.on('data', (chunk: Buffer) => {
      if (!ctx.blackholed()) this.up.push(chunk, ctx.latencyMs());
      else if (ctx.blackholeMode() === 'hold') this.heldUp.push(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!ctx.blackholed()) this.down.push(chunk, ctx.latencyMs());
      else if (ctx.blackholeMode() === 'hold') this.heldDown.push(chunk);
    });
    client.once('close', (hadError) => {
      counts.connections -= 1;
      this.passClose(true, hadError);
      if (upstream.destroyed) ctx.done(this);
    });
    upstream.once('close', (hadError) => {
      if (ctx.blackholed() && !client.destroyed) {
        this.heldClose = { hadError };
        return;
      }
      this.upstreamClosed(hadError);
    });
  }

  /** Drops every chunk held for latency or by a blackhole, both ways. */
  clear(): void {
    this.up.clear();
    this.down.clear();
    this.heldUp = [];
    this.heldDown = [];
  }

  /** Resets both sockets (resetAll()). */
  resetBoth(): void {
    this.clear();
    reset(this.client);
    reset(this.upstream);
  }

  /** The blackhole ended: deliver what it held (in order), then pass on a target close it hid. */
  releaseHeld(): void {
    const latency = this.ctx.latencyMs();
    for (const chunk of this.heldUp.splice(0)) this.up.push(chunk, latency);
    for (const chunk of this.heldDown.splice(0)) this.down.push(chunk, latency);
    const held = this.heldClose;
    if (held === undefined) return;
    this.heldClose = undefined;
    this.upstreamClosed(held.hadError);
  }

  private upstreamClosed(hadError: boolean): void {
    if (!this.connected) this.turnAway();
    else this.passClose(false, hadError);
    if (this.client.destroyed) this.ctx.done(this);
  }

  /**
   * The target never accepted (refused, unreachable): the client, already accepted, is
   * closed without a byte, as HAProxy, Docker's port mapping or a Kubernetes Service do while
   * the server behind them is down. 'reset' sends an RST instead.
   */
  private turnAway(): void {
    const { client } = this;
    this.clear();
    if (client.destroyed) return;
    this.ctx.counts.targetDown += 1;
    if (this.ctx.whenTargetDown === 'reset') {
      reset(client);
      return;
    }
    // end() then destroy once flushed: the client may never send its own FIN back.
    client.end(() => client.destroy());
  }

  /** Passes on a close of one side to the other: an RST as an RST, a clean close as an end. */
  private passClose(fromClient: boolean, hadError: boolean): void {
    const other = fromClient ? this.upstream : this.client;
    // Nothing more can reach the side that closed.
    (fromClient ? this.down : this.up).clear();
    if (hadError) {
      this.clear();
      reset(other);
    } else {
      // What the closed side sent before closing is still delivered, then the other side ends.
      (fromClient ? this.up : this.down).end(this.ctx.latencyMs());
    }
  }
}
