// An in-memory Connector for timer and state-machine tests: connections are plain objects,
// every operation resolves in microtasks, and a test decides how connect, ping and close
// behave (succeed, fail, or hang until the pool gives up). Used with the fake clock, a test
// then waits for nothing real. Behaviour that crosses the network is tested against the test
// server instead.
import type { Connector } from '../../src/index.js';

export interface MemConn {
  readonly id: number;
  open: boolean;
  closeListeners: (() => void)[];
}

/** How connect or ping behave: succeed, fail, hang until the pool gives up, or wait for `openGate()`. */
export type Behaviour = 'ok' | 'fail' | 'hang' | 'gate';

export interface MemoryConnector extends Connector<MemConn, unknown> {
  /** Every connection made, in order. */
  readonly made: MemConn[];
  connects: number;
  pings: number;
  closes: number;
  onConnect: Behaviour;
  onPing: Behaviour;
  /** The socket dies: the driver reports the close. */
  kill(conn: MemConn): void;
  /** Lets the pings and connects waiting at the gate go on. */
  openGate(): void;
}

export function memoryConnector(): MemoryConnector {
  let next = 0;
  const never = (signal?: AbortSignal) => new Promise<never>((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  let gate: { promise: Promise<void>; open(): void } | undefined;
  const atGate = () => {
    if (gate === undefined) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    }
    return gate.promise;
  };
  const c: MemoryConnector = {
    made: [],
    connects: 0,
    pings: 0,
    closes: 0,
    onConnect: 'ok',
    onPing: 'ok',
    async connect(_options, signal) {
      c.connects++;
      if (c.onConnect === 'fail') throw Object.assign(new Error('connect ECONNREFUSED (memory)'), { code: 'ECONNREFUSED' });
      if (c.onConnect === 'hang') return never(signal);
      if (c.onConnect === 'gate') await atGate();
      const conn: MemConn = { id: ++next, open: true, closeListeners: [] };
      c.made.push(conn);
      return conn;
    },
    async close(conn) {
      c.closes++;
      c.kill(conn);
    },
    isOpen: (conn) => conn.open,
    async ping(conn) {
      c.pings++;
      if (!conn.open) throw new Error('Connection is closed.');
      if (c.onPing === 'fail') throw new Error('ping failed (memory)');
      if (c.onPing === 'hang') return never();
      if (c.onPing === 'gate') await atGate();
    },
    onClose(conn, listener) {
      conn.closeListeners.push(listener);
    },
    openGate() {
      gate?.open();
      gate = undefined;
    },
    kill(conn) {
      if (!conn.open) return;
      conn.open = false;
      for (const l of conn.closeListeners) l();
    },
  };
  return c;
}

/**
 * A query for pool.run() that answers when the test says so, and fails as a driver does when
 * its connection closes first ("Connection is closed.").
 */
export function gatedQuery<T>(value: T): { query: { run(conn: MemConn): Promise<T> }; open(): void; fail(e: unknown): void; seen: MemConn[] } {
  let open!: () => void;
  let fail!: (e: unknown) => void;
  const gate = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  const seen: MemConn[] = [];
  return {
    query: {
      run: (conn) => {
        seen.push(conn);
        return new Promise<T>((resolve, reject) => {
          conn.closeListeners.push(() => reject(new Error('Connection is closed.')));
          gate.then(() => resolve(value), reject);
        });
      },
    },
    open,
    fail,
    seen,
  };
}
