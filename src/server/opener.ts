// Opening connections for one server: only for real demand (the cluster's, and minIdle), at
// most `maxConnecting` at once, one at a time while failing, with backoff and full jitter
// between failures. Each attempt has the pool's own deadline (`connectTimeoutMs`) over
// everything it takes: TCP, TLS, the handshake, SERVER_INFO and `onConnect`.
import { backgroundTimer, type TimerHandle } from '../core/clock.js';
import { attempt, DeadlineError, untilAborted, withDeadline } from '../core/deadline.js';
import { PoolAuthError, PoolConnectError } from '../core/errors.js';
import { backoffDelay, expiresAt } from '../core/lifetime.js';
import { isAuthError } from '../drivers/connector.js';
import { closeSlot, onSocketClosed } from './closer.js';
import type { ServerContext } from './context.js';
import type { Health } from './health.js';
import { Slot } from './slot.js';

export class Opener<C> {
  /**
   * Consecutive failures, for the backoff exponent. Attempts that start together (a burst
   * of reconnects after the server vanished) and fail together count as one failure: they
   * are one observation that the server is down, not several.
   */
  failures = 0;
  /** Wrong credentials: no background opening until demand asks for a connection. */
  authBlocked = false;
  /** Connections the cluster wants opened now (for callers that wait). */
  demand = 0;
  #retryTimer: TimerHandle | undefined = undefined;
  /** While init() runs: how many it opens, and the first failure. */
  #initTarget = 0;
  #initFailure: PoolConnectError | undefined = undefined;
  /** Called when an attempt settles (init() waits on it). */
  #settled: (() => void)[] = [];

  /** @param onOpened called with each connection that opened, before it takes work. */
  constructor(
    private readonly ctx: ServerContext<C>,
    private readonly health: Health<C>,
    private readonly onOpened: (slot: Slot<C>) => void,
  ) {}

  /** Whether a retry is being waited for (backoff). */
  get backingOff(): boolean {
    return this.#retryTimer !== undefined;
  }

  /** Opens for demand and minIdle, within `poolSize` and `maxConnecting`. */
  fill(): void {
    const { ctx } = this;
    if (ctx.phase !== 'open' || this.#retryTimer !== undefined) return;
    const { poolSize, minIdle, maxConnecting } = ctx.options;
    const t = ctx.table;
    while (t.size < poolSize) {
      const opening = t.opening.size;
      if (opening >= maxConnecting) break;
      if (this.failures > 0 && opening > 0) break; // while failing, one probe at a time
      const forIdle = !this.authBlocked && t.ready.size + opening < Math.max(minIdle, this.#initTarget);
      if (this.#initTarget > 0 && this.#initFailure !== undefined) break;
      const forDemand = opening < this.demand;
      const probe = this.health.state === 'down' && opening === 0 && !this.authBlocked && ctx.listener.probeWhileDown();
      if (!forIdle && !forDemand && !probe) break;
      // A server not known up shares the pool's budget of such attempts.
      const unproven = this.health.state !== 'up';
      if (unproven && !ctx.budget.take(this.#wake)) break;
      void this.spawn(unproven);
    }
  }

  /** Called by the budget when an attempt is free again. */
  readonly #wake = (): void => this.fill();

  /**
   * Opens `max(1, minIdle)` connections, `maxConnecting` at a time. After a failure it starts
   * no more, waits for those in flight, and rejects if none opened.
   */
  async init(): Promise<void> {
    const { ctx } = this;
    const t = ctx.table;
    this.#initTarget = Math.min(ctx.options.poolSize, Math.max(1, ctx.options.minIdle));
    this.#initFailure = undefined;
    try {
      while (ctx.phase === 'open' && t.ready.size + t.leased.size < this.#initTarget) {
        if (this.#initFailure === undefined) this.fill();
        if (t.opening.size === 0) break;
        await new Promise<void>((resolve) => this.#settled.push(resolve));
      }
    } finally {
      this.#initTarget = 0;
    }
    if (t.ready.size + t.leased.size > 0) return;
    throw this.#initFailure ?? this.health.lastError ?? new PoolConnectError(ctx.label, new Error('no connection could be opened'));
  }

  /**
   * Opens one connection; resolves with the error when it fails (never rejects).
   * @param budgeted it holds one of the budget's attempts, given back when it settles.
   */
  async spawn(budgeted = false): Promise<PoolConnectError | undefined> {
    const { ctx } = this;
    const slot = new Slot<C>(ctx.nextId(), ctx.home);
    ctx.table.admit(slot);
    const round = this.failures;
    const controller = new AbortController();
    slot.connecting = controller;
    const ms = ctx.options.connectTimeoutMs;
    const timer = backgroundTimer(ctx.clock, () => controller.abort(new DeadlineError('connect', ms,
      `the connection did not open within ${ms} ms (connectTimeoutMs): the server (or a proxy in front of it) ` +
        'accepted the connection but did not complete the handshake')), ms);
    let failure: PoolConnectError | undefined;
    try {
      const { conn, id } = await this.#open(controller.signal);
      ctx.clock.clearTimeout(timer);
      this.#opened(slot, conn, id);
    } catch (err) {
      ctx.clock.clearTimeout(timer);
      failure = this.#failed(slot, err, round);
      if (this.#initTarget > 0) this.#initFailure ??= failure;
    }
    if (budgeted) ctx.budget.give();
    const waiting = this.#settled;
    this.#settled = [];
    for (const resolve of waiting) resolve();
    return failure;
  }

  /** Stops background work (the server is leaving). */
  stop(): void {
    if (this.#retryTimer !== undefined) this.ctx.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.ctx.budget.forget(this.#wake);
    for (const slot of this.ctx.table.opening) {
      slot.connecting?.abort(new DeadlineError('connect', 0, 'the connection attempt was cancelled: the pool is closing'));
    }
  }

  /** Connect, identify, set up; a failure after the connect closes the connection. */
  async #open(signal: AbortSignal): Promise<{ conn: C; id: string | undefined }> {
    const { driver, connectOptions, options } = this.ctx;
    const conn = await untilAborted(attempt(() => driver.connect(connectOptions, signal)), signal, (late) => closeQuietly(driver, late));
    try {
      driver.socket(conn)?.setKeepAlive(true, options.heartbeatMs);
      // A node that completes the handshake but answers no query is refused here, at pingTimeoutMs.
      const identity = driver.identify
        ? await untilAborted(withDeadline(this.ctx.clock, attempt(() => driver.identify!(conn)), options.pingTimeoutMs, 'SERVER_INFO'), signal, noop)
        : undefined;
      const { onConnect } = options;
      if (onConnect) await untilAborted(attempt(() => onConnect(conn)), signal, noop);
      return { conn, id: identity?.id };
    } catch (err) {
      closeQuietly(driver, conn);
      throw err;
    }
  }

  #opened(slot: Slot<C>, conn: C, id: string | undefined): void {
    const { ctx } = this;
    slot.connecting = undefined;
    slot.conn = conn;
    ctx.registry.set(conn, slot);
    const now = ctx.clock.now();
    slot.openedAt = slot.idleSince = slot.checkedAt = slot.heardAt = now;
    slot.expiresAt = expiresAt(now, ctx.options.connectionTtlMs);
    slot.session = ctx.driver.session(conn);
    slot.heard = ctx.driver.received?.(conn) ?? 0;
    ctx.totals.created++;
    ctx.driver.onClose(conn, () => onSocketClosed(ctx, slot));
    ctx.notify.open(slot.id, ctx.label);
    if (ctx.phase !== 'open') {
      closeSlot(ctx, slot, ctx.stopReason);
      return;
    }
    this.failures = 0;
    this.authBlocked = false;
    if (this.#retryTimer !== undefined) {
      ctx.clock.clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
    }
    if (id !== undefined) ctx.listener.identified(ctx.home, id);
    this.health.up();
    if (!ctx.driver.isOpen(conn) || ctx.phase !== 'open') {
      closeSlot(ctx, slot, ctx.phase === 'open' ? 'broken' : ctx.stopReason);
      return;
    }
    this.onOpened(slot);
    // Last: becoming ready may hand it to a waiter at once.
    ctx.table.move(slot, 'ready');
    this.fill();
  }

  /** `round`: the failure count when the attempt started. */
  #failed(slot: Slot<C>, err: unknown, round: number): PoolConnectError {
    const { ctx } = this;
    const reason = slot.connecting?.signal.reason as unknown;
    const cancelled = slot.connecting?.signal.aborted === true && !(reason instanceof DeadlineError && reason.ms > 0);
    slot.connecting = undefined;
    ctx.table.move(slot, 'closed');
    const error = this.#connectError(err);
    if (cancelled || ctx.phase !== 'open') {
      // Cancelled by the pool itself: not a failure of the server.
      ctx.listener.settled(ctx.home);
      return error;
    }
    ctx.totals.connectErrors++;
    // Only the first of attempts started together raises the count; after a success in
    // between (failures back to 0), this failure starts a new run.
    if (this.failures === round || this.failures === 0) this.failures++;
    if (error instanceof PoolAuthError) this.authBlocked = true;
    const retryInMs = this.#scheduleRetry();
    ctx.notify.connectError(ctx.label, error, this.failures, retryInMs);
    const t = ctx.table;
    const down = t.ready.size + t.leased.size === 0;
    if (down) this.health.down(error);
    else this.health.lastError = error;
    ctx.listener.connectFailed(ctx.home, error, down);
    return error;
  }

  /** Wraps a driver error: wrong credentials become PoolAuthError. */
  #connectError(error: unknown): PoolConnectError {
    if (error instanceof PoolConnectError) return error;
    const { label } = this.ctx;
    return isAuthError(error) ? new PoolAuthError(label, error) : new PoolConnectError(label, error);
  }

  #scheduleRetry(): number | undefined {
    if (this.#retryTimer !== undefined) return undefined;
    const { baseMs, maxMs } = this.ctx.options.backoff;
    const delay = backoffDelay(this.failures, baseMs, maxMs);
    this.#retryTimer = backgroundTimer(this.ctx.clock, () => {
      this.#retryTimer = undefined;
      this.fill();
    }, delay);
    return delay;
  }
}

function closeQuietly<C>(driver: { close(conn: C): Promise<void> }, conn: C): void {
  attempt(() => driver.close(conn)).catch(noop);
}

function noop(): void {}
