// The pool's event methods, as Node users know them (on, once, off, addListener,
// removeListener, listenerCount), typed by event name. A base of AsyncConnectionPool.
import { PoolEmitter, type PoolEvents, type PoolListener } from '../core/events.js';

export class PoolEventSource {
  /** Where the pool's notifier emits. @internal */
  protected readonly emitter = new PoolEmitter();

  /**
   * Adds a listener of a pool event (see {@link PoolEvents}). Listeners run synchronously,
   * in order of registration; an error thrown by one is rethrown on a later microtask (an
   * uncaught exception) and never affects the pool. `error` listeners are accepted and never
   * called, so node:events' `once()` and `on()` work. Throws `TypeError` for an unknown
   * event name or a listener that is not a function.
   */
  on<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.emitter.on(event, listener);
    return this;
  }

  /** The same as `on()` (EventEmitter's name). */
  addListener<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    return this.on(event, listener);
  }

  /** Like `on()`, but the listener is removed just before its first call. */
  once<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.emitter.once(event, listener);
    return this;
  }

  /** Removes a listener added with `on()` or `once()` (the last one added, if twice). */
  off<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** The same as `off()` (EventEmitter's name). */
  removeListener<K extends keyof PoolEvents>(event: K, listener: PoolListener<K>): this {
    return this.off(event, listener);
  }

  /** The number of listeners of `event` (including `once()` listeners not yet called). */
  listenerCount(event: keyof PoolEvents): number {
    return this.emitter.listenerCount(event);
  }
}
