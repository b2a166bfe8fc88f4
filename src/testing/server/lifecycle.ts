// When a test server listens: start, stop and restart (with a down gap) as one sequence of
// steps. Steps run one after the other in call order, so a stop() never races a restart()
// that is reopening the listener; only the down gap is cut short, because a test's gate may
// never open and stop() must still finish.
import type { RestartOptions } from './handle.js';
import { isPlainObject } from './options.js';

/** What the lifecycle drives: bring the listener up, or close it and every connection. */
export interface ListenerHooks {
  /** Listens and registers the server; rejects if the port cannot be bound. */
  open(): Promise<void>;
  /** Unregisters, closes every connection and the listener; safe when already closed. */
  close(): Promise<void>;
}

const RESTART_OPTIONS = new Set(['downMs', 'delay']);

/** Throws a TypeError naming the first bad restart() option. */
function checkRestart(options: RestartOptions | undefined): { downMs: number; delay: RestartOptions['delay'] } {
  if (options === undefined) return { downMs: 0, delay: undefined };
  if (!isPlainObject(options)) throw new TypeError('restart(options): options must be an object');
  for (const key of Object.keys(options)) {
    if (!RESTART_OPTIONS.has(key)) throw new TypeError(`Unknown restart() option \`${key}\``);
  }
  const { downMs = 0, delay } = options as RestartOptions;
  if (!(typeof downMs === 'number' && Number.isFinite(downMs) && downMs >= 0)) {
    throw new TypeError('restart() option `downMs` must be a finite number >= 0');
  }
  if (delay !== undefined && typeof delay !== 'function') throw new TypeError('restart() option `delay` must be a function');
  return { downMs, delay };
}

function stoppedError(): Error {
  return new Error('restart(): stop() was called before the test server listened again; it stays stopped');
}

export class Lifecycle {
  /** The last step queued; the next one runs after it, whatever its outcome. */
  private tail: Promise<void> = Promise.resolve();
  /** What the latest call asked for; a step reads it when it runs. */
  private wanted: 'running' | 'stopped' = 'running';
  private listening = false;
  /** The stop() promise handed out since the last start(): stop() is idempotent. */
  private stopping: Promise<void> | undefined;
  /** Ends the down gap of a restart in progress (stop() calls it). */
  private endGap: (() => void) | undefined;

  constructor(private readonly hooks: ListenerHooks) {}

  /** The first listen, from startTestServer(). */
  async begin(): Promise<void> {
    await this.hooks.open();
    this.listening = true;
  }

  restart(options?: RestartOptions): Promise<void> {
    let checked: ReturnType<typeof checkRestart>;
    try {
      checked = checkRestart(options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.wanted === 'stopped') return Promise.reject(new Error('restart() after stop(): the test server is stopped'));
    const { downMs, delay } = checked;
    return this.step(async () => {
      if (this.stopWanted()) throw stoppedError();
      await this.close();
      // A stop() that came while closing finds no gap to end yet: skip it.
      if (!this.stopWanted() && (downMs > 0 || delay !== undefined)) await this.gap(downMs, delay);
      if (this.stopWanted()) throw stoppedError();
      await this.open();
    });
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.wanted = 'stopped';
    this.endGap?.();
    this.stopping = this.step(() => this.close());
    return this.stopping;
  }

  start(): Promise<void> {
    this.wanted = 'running';
    this.stopping = undefined;
    return this.step(async () => {
      // A stop() queued after this start() wins: it runs next and must find nothing to undo.
      if (this.wanted === 'running' && !this.listening) await this.open();
    });
  }

  /** A method, not a field read, because the answer changes while a step awaits. */
  private stopWanted(): boolean {
    return this.wanted === 'stopped';
  }

  private step(run: () => Promise<void>): Promise<void> {
    const result = this.tail.then(run);
    this.tail = result.catch(() => {});
    return result;
  }

  private async open(): Promise<void> {
    try {
      await this.hooks.open();
    } catch (err) {
      // Not listening, and not coming back by itself: the same as stopped.
      this.wanted = 'stopped';
      throw err;
    }
    this.listening = true;
  }

  private async close(): Promise<void> {
    this.listening = false;
    await this.hooks.close();
  }

  /** Resolves when the downtime is over or stop() ends it; never rejects (the caller checks `wanted`). */
  private gap(downMs: number, delay: RestartOptions['delay']): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.endGap = undefined;
        resolve();
      };
      this.endGap = done;
      if (delay === undefined) {
        timer = setTimeout(done, downMs);
        return;
      }
      let waited: PromiseLike<unknown>;
      try {
        waited = delay(downMs);
      } catch {
        done();
        return;
      }
      Promise.resolve(waited).then(done, done);
    });
  }
}
