// Helpers for the lifecycle tests (restart, stop/start, modes): a gate that holds a restart's
// downtime until the test opens it, and bounded waits. Not a test file itself.
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import { openSocket } from './raw-client.js';

/** A restart() `delay` the test controls: `entered` resolves when the server is down. */
export interface Gate {
  readonly delay: (ms: number) => Promise<void>;
  /** Resolves with the `downMs` passed, once the server is down (its port refuses). */
  readonly entered: Promise<number>;
  /** Ends the downtime: the server listens again. */
  open(): void;
}

export function gate(): Gate {
  let entered!: (ms: number) => void;
  let open!: () => void;
  const enteredPromise = new Promise<number>((resolve) => (entered = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    delay: (ms) => {
      entered(ms);
      return opened;
    },
    entered: enteredPromise,
    open: () => open(),
  };
}

/** Asserts that nothing listens on the port: a TCP connect is refused. */
export async function assertRefused(port: number): Promise<void> {
  await assert.rejects(openSocket(port), { code: 'ECONNREFUSED' });
}

/** The official driver's view of a server: SERVER_INFO's id and name. */
export async function serverInfo(port: number): Promise<{ id: string; name: string }> {
  const conn = await r.connect({ host: '127.0.0.1', port });
  conn.on('error', () => {});
  try {
    const info = await (conn as unknown as { server(): Promise<{ id: string; name: string }> }).server();
    return { id: info.id, name: info.name };
  } finally {
    await conn.close({ noreplyWait: false });
  }
}

/** Counts of the handle kinds a server leaves behind, to compare with a baseline. */
export function handleCounts(): number[] {
  const info = process.getActiveResourcesInfo();
  return ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'].map((k) => info.filter((x) => x === k).length);
}

/**
 * "Nothing more than before": leftovers of earlier tests may still be closing, and a client
 * socket ended by a test leaves only once the peer's FIN is back, so this waits up to 2 s
 * for the counts to come down (a bound on a wait, not a measurement).
 */
export async function assertNoMoreHandles(baseline: readonly number[]): Promise<void> {
  const over = (): number[] => handleCounts().filter((n, i) => n > (baseline[i] ?? 0));
  for (let i = 0; i < 400 && over().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const [i, n] of handleCounts().entries()) assert.ok(n <= (baseline[i] ?? 0), `resource ${i}: ${n} > ${baseline[i]}`);
}

/**
 * Waits for a condition that settles through the event loop (a count the server keeps),
 * checking every 5 ms; the 5 s bound is a hang guard, not a measurement.
 */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), `timed out waiting for ${what}`);
}

/** Tracks whether a promise has settled, without ever rejecting. */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly done: Promise<unknown> } {
  const state = { settled: false, done: promise.then(() => undefined, (err: unknown) => err) };
  void state.done.then(() => (state.settled = true));
  return state;
}
