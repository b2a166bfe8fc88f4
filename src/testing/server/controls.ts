// The controls a test turns on a running server's connections: drop, pause/resume, latency
// and the failure modes (silent, zombie). They act on every connection open now and are handed to every new one, so that a
// setting survives restart() and start().
import type { Socket } from 'node:net';
import type { ClientConnection } from './connection.js';
import type { TestServerMode } from './handle.js';

const MODES: ReadonlySet<string> = new Set<TestServerMode>(['normal', 'silent', 'zombie']);

export class ConnectionControls {
  /** Client connections past TCP (and TLS) accept, until their socket closes. */
  readonly connections = new Set<ClientConnection>();
  /** Raw sockets, including TLS ones still negotiating (not yet a ClientConnection). */
  private readonly sockets = new Set<Socket>();
  paused = false;
  latencyMs = 0;
  mode: TestServerMode = 'normal';

  /** Follows a socket from accept to close, so that drop() reaches it whatever its state. */
  track(socket: Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  add(conn: ClientConnection): void {
    this.connections.add(conn);
  }

  remove(conn: ClientConnection): void {
    this.connections.delete(conn);
  }

  /** Destroys every client socket at once, without a goodbye. */
  drop(): void {
    for (const conn of this.connections) conn.destroy();
    for (const socket of this.sockets) socket.destroy();
  }

  pause(): void {
    this.paused = true;
    for (const conn of this.connections) conn.pause();
  }

  resume(): void {
    this.paused = false;
    // A copy: resuming may close a connection (a queued bad handshake), which edits the set.
    for (const conn of [...this.connections]) conn.resume();
  }

  setLatency(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new TypeError('setLatency(ms): ms must be a number >= 0');
    this.latencyMs = ms;
    for (const conn of this.connections) conn.setLatency(ms);
  }

  setMode(mode: TestServerMode): void {
    if (typeof mode !== 'string' || !MODES.has(mode)) {
      throw new TypeError(`setMode(mode): mode must be 'normal', 'silent' or 'zombie' (got ${String(mode)})`);
    }
    this.mode = mode;
    for (const conn of this.connections) conn.setMode(mode);
  }
}
