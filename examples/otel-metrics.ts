// Pool metrics through OpenTelemetry. `instrumentPool()` uses only `@opentelemetry/api`
// (an optional peer dependency of async-repool): observable gauges read `pool.stats()` when
// the SDK collects, so they cost nothing in between; counters and a histogram are fed by
// pool events. In an application, set up `@opentelemetry/sdk-metrics` with an exporter and
// call `instrumentPool(pool)`. This example has no SDK (the API alone is a no-op), so it
// installs `MemoryMeterProvider`, a tiny in-memory stand-in, to show what an exporter sees.
//
// Run:        npx tsx examples/otel-metrics.ts
// Self-test:  npx tsx examples/otel-metrics.ts --self-test
import assert from 'node:assert/strict';
import r from 'rethinkdb';
import {
  createNoopMeter, metrics,
  type Meter, type MeterProvider, type MetricAttributes, type ObservableCallback, type ObservableResult,
} from '@opentelemetry/api';
import { AsyncConnectionPool, PoolTimeoutError, type PoolEvents } from 'async-repool';
import { startTestServer } from 'async-repool/testing';

/** Reports a pool's metrics through `meter`; returns a function that stops reporting. */
function instrumentPool(pool: AsyncConnectionPool, meter: Meter = metrics.getMeter('async-repool')): () => void {
  const connections = meter.createObservableGauge('repool.connections', {
    description: 'Connections of the pool by state (idle, leased, opening)', unit: '{connection}',
  });
  const waiting = meter.createObservableGauge('repool.waiting', { description: 'Calls waiting for a connection' });
  const timeouts = meter.createObservableCounter('repool.timeouts', { description: 'acquire() calls that timed out' });
  const observeConnections = (result: ObservableResult) => {
    const s = pool.stats();
    result.observe(s.idle, { state: 'idle' });
    result.observe(s.leased, { state: 'leased' });
    result.observe(s.opening, { state: 'opening' });
  };
  const observeWaiting = (result: ObservableResult) => result.observe(pool.stats().waiting);
  const observeTimeouts = (result: ObservableResult) => result.observe(pool.stats().timeouts); // a running total
  connections.addCallback(observeConnections);
  waiting.addCallback(observeWaiting);
  timeouts.addCallback(observeTimeouts);

  const acquires = meter.createCounter('repool.acquires', { description: 'Leases handed out' });
  const waitTime = meter.createHistogram('repool.acquire.wait', { description: 'Time acquire() waited', unit: 'ms' });
  const connectErrors = meter.createCounter('repool.connect_errors', { description: 'Failed connection attempts' });
  const onAcquire = (e: PoolEvents['acquire']) => {
    acquires.add(1);
    waitTime.record(e.waitedMs);
  };
  const onConnectError = (e: PoolEvents['connectError']) => connectErrors.add(1, { server: e.server });
  pool.on('acquire', onAcquire).on('connectError', onConnectError);

  return () => {
    connections.removeCallback(observeConnections);
    waiting.removeCallback(observeWaiting);
    timeouts.removeCallback(observeTimeouts);
    pool.off('acquire', onAcquire).off('connectError', onConnectError);
  };
}

/** A stand-in for the SDK: keeps counter sums and histogram count/sum, runs observable
 * callbacks on `collect()`. Every other instrument stays the API's no-op. */
class MemoryMeterProvider implements MeterProvider {
  readonly #callbacks = new Map<string, Set<ObservableCallback>>();
  readonly #totals = new Map<string, number>();

  getMeter(): Meter {
    const meter = Object.create(createNoopMeter()) as Meter;
    const observable = (name: string) => {
      const callbacks = new Set<ObservableCallback>();
      this.#callbacks.set(name, callbacks);
      return { addCallback: (cb: ObservableCallback) => callbacks.add(cb), removeCallback: (cb: ObservableCallback) => callbacks.delete(cb) };
    };
    const add = (key: string, value: number) => this.#totals.set(key, (this.#totals.get(key) ?? 0) + value);
    meter.createObservableGauge = observable as Meter['createObservableGauge'];
    meter.createObservableCounter = observable as Meter['createObservableCounter'];
    meter.createCounter = ((name: string) => ({ add: (v: number) => add(name, v) })) as Meter['createCounter'];
    meter.createHistogram = ((name: string) => ({
      record: (v: number) => {
        add(`${name}.count`, 1);
        add(`${name}.sum`, v);
      },
    })) as Meter['createHistogram'];
    return meter;
  }

  /** One collection, as an exporter would get it: `name{attributes}` -> value. */
  async collect(): Promise<Record<string, number>> {
    const points: Record<string, number> = Object.fromEntries(this.#totals);
    for (const [name, callbacks] of this.#callbacks) {
      const observe = (value: number, attrs: MetricAttributes = {}) => {
        const labels = Object.entries(attrs).map(([k, v]) => `${k}=${String(v)}`).join(',');
        points[labels ? `${name}{${labels}}` : name] = value;
      };
      for (const cb of callbacks) await cb({ observe });
    }
    return points;
  }
}

const provider = new MemoryMeterProvider();
metrics.setGlobalMeterProvider(provider); // before any getMeter(): the API does not swap meters later

const db = await startTestServer({ port: 0 });
const pool = new AsyncConnectionPool({ host: db.host, port: db.port }, { poolSize: 2 });
const stop = instrumentPool(pool);
await pool.initPool();

// Some work: five short leases, then both connections held while a third caller times out.
for (let i = 0; i < 5; i++) await pool.withConnection((conn) => r.expr(i).run(conn));
const held = [await pool.acquire(), await pool.acquire()];
const late = pool.acquire({ timeoutMs: 100 }).catch((err: unknown) => err);
const busy = await provider.collect(); // collected while the third caller waits
assert.ok((await late) instanceof PoolTimeoutError);
for (const conn of held) pool.release(conn);
const after = await provider.collect();
console.log('while busy:', busy);
console.log('after:', after);

stop();
await pool.releasePool();
await db.stop();
metrics.disable(); // unregisters the global provider

if (process.argv.includes('--self-test')) {
  assert.equal(busy['repool.connections{state=leased}'], 2);
  assert.equal(busy['repool.connections{state=idle}'], 0);
  assert.equal(busy['repool.waiting'], 1);
  assert.equal(after['repool.connections{state=idle}'], 2);
  assert.equal(after['repool.waiting'], 0);
  assert.equal(after['repool.timeouts'], 1);
  assert.equal(after['repool.acquires'], 7);
  assert.equal(after['repool.acquire.wait.count'], 7);
  assert.equal(after['repool.connect_errors'], undefined, 'no connection attempt failed');
  console.log('self-test passed');
}
