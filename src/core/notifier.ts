// The one place the pool tells the world what happened: every notification goes to the
// typed events and, where one exists, to its diagnostics channel. A payload is built only
// when someone listens on either side (the acquire/release path reads two booleans).
import type { PoolConnectError } from './errors.js';
import { acquireChannel, closeChannel, openChannel, releaseChannel } from './diagnostics.js';
import type { CloseReason, PoolEmitter, PoolEvents } from './events.js';

export class Notifier {
  /**
   * @param emitter the pool's events.
   * @param pool the `AsyncConnectionPool`, named in diagnostics messages.
   */
  constructor(readonly emitter: PoolEmitter, private readonly pool: object) {}

  open(id: number, server: string): void {
    if (this.emitter.has('open')) this.emitter.emit('open', { id, server });
    if (openChannel.hasSubscribers) openChannel.publish({ pool: this.pool, id, server });
  }

  close(id: number, server: string, reason: CloseReason, error?: unknown): void {
    const extra = error === undefined ? {} : { error };
    if (this.emitter.has('close')) this.emitter.emit('close', { id, server, reason, ...extra });
    if (closeChannel.hasSubscribers) closeChannel.publish({ pool: this.pool, id, server, reason, ...extra });
  }

  acquire(id: number, server: string, waitedMs: number): void {
    if (this.emitter.has('acquire')) this.emitter.emit('acquire', { id, server, waitedMs });
    if (acquireChannel.hasSubscribers) acquireChannel.publish({ pool: this.pool, id, server, waitedMs });
  }

  release(id: number, server: string, heldMs: number): void {
    if (this.emitter.has('release')) this.emitter.emit('release', { id, server, heldMs });
    if (releaseChannel.hasSubscribers) releaseChannel.publish({ pool: this.pool, id, server, heldMs });
  }

  connectError(server: string, error: PoolConnectError, attempt: number, retryInMs: number | undefined): void {
    this.event('connectError', () => ({ server, error, attempt, retryInMs }));
  }

  /** Any event without a channel of its own; `payload` runs only if someone listens. */
  event<K extends keyof PoolEvents>(name: K, payload: () => PoolEvents[K]): void {
    if (this.emitter.has(name)) this.emitter.emit(name, payload());
  }
}
