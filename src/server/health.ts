// Whether a server is up: unknown until its first connection settles, up once one opens,
// down when connects fail with no connection left, or when it answers no ping at all.
import type { PoolConnectError } from '../core/errors.js';
import type { ServerContext } from './context.js';

export type HealthState = 'unknown' | 'up' | 'down';

export class Health<C> {
  state: HealthState = 'unknown';
  /** The last failed attempt; cleared when a connection opens. */
  lastError: PoolConnectError | undefined = undefined;

  constructor(private readonly ctx: ServerContext<C>) {}

  /** A connection opened. */
  up(): void {
    this.lastError = undefined;
    if (this.state === 'up') return;
    const wasDown = this.state === 'down';
    this.state = 'up';
    const { ctx } = this;
    ctx.notify.event('healthy', () => ({ server: ctx.label }));
    if (wasDown) ctx.notify.event('serverUp', () => ({ server: ctx.label }));
    ctx.listener.health(ctx.home, true, wasDown, undefined);
  }

  /** The server cannot serve: `error` says why. */
  down(error: PoolConnectError): void {
    this.lastError = error;
    if (this.state === 'down') return;
    this.state = 'down';
    const { ctx } = this;
    ctx.notify.event('unhealthy', () => ({ server: ctx.label, error }));
    ctx.notify.event('serverDown', () => ({ server: ctx.label, error }));
    ctx.listener.health(ctx.home, false, false, error);
  }
}
