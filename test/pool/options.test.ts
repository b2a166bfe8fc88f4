// Every option is validated at construction: TypeError naming the option.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncConnectionPool } from '../../src/index.js';
import { DEFAULTS } from '../../src/core/options.js';
import { resolveOptions as resolveAll } from '../../src/core/resolve-options.js';
const resolveOptions = (o: unknown) => resolveAll(o, {});

const make = (options: unknown) => () => new AsyncConnectionPool({ host: '127.0.0.1', port: 1 }, options as never);

const BAD: [string, unknown[]][] = [
  ['poolSize', [0, -1, 1.5, '3', null, NaN, Infinity, true]],
  ['minIdle', [-1, 4, 0.5, '1']],
  ['connectionTtlMs', [-1, 1.5, '1', 2 ** 31, NaN]],
  ['acquireTimeoutMs', [0, -5, '1', Infinity]],
  ['maxWaiters', [-1, 0.5, '1', NaN]],
  ['idleTimeoutMs', [-1, '1', 1.1]],
  ['validateAfterIdleMs', [-1, '1', {}]],
  ['pingTimeoutMs', [0, -1, 'x']],
  ['queryTimeoutMs', [-1, 1.5, 'x', 2 ** 31]],
  ['keepaliveMs', [-1, 'x', 2 ** 40]],
  ['leakDetectionMs', [-1, 'x', []]],
  ['backoff', [1, 'x', null, [], { baseMs: 0 }, { baseMs: 'x' }, { maxMs: -1 }, { baseMs: 100, maxMs: 50 }]],
  ['failFast', [1, 'true', null]],
  ['driver', [1, 'rethinkdb', null, {}, { connect() {} }]],
];

for (const [name, values] of BAD) {
  it(`rejects bad ${name}`, () => {
    for (const value of values) {
      const options = name === 'minIdle' ? { poolSize: 3, minIdle: value } : { [name]: value };
      assert.throws(make(options), (e: unknown) => e instanceof TypeError && e.message.includes(name), `${name}: ${String(value)}`);
    }
  });
}

it('rejects unknown options with a did-you-mean for near misses', () => {
  assert.throws(make({ poolsize: 3 }), /unknown pool option poolsize; did you mean poolSize\?/);
  assert.throws(make({ acquireTimeout: 3 }), /did you mean acquireTimeoutMs\?/);
  assert.throws(make({ backoff: { base: 1 } }), /did you mean backoff\.baseMs\?/);
  assert.throws(make({ zzz: 1 }), /unknown pool option zzz; known: poolSize/);
  assert.throws(make('x'), TypeError);
  assert.throws(() => new AsyncConnectionPool(null as never), /connectOptions/);
});

it('applies the documented defaults', () => {
  const { driver, clock, mapAddress, ...o } = resolveOptions({});
  assert.deepEqual(o, {
    poolSize: 3, minIdle: 3, connectionTtlMs: 3_600_000, acquireTimeoutMs: 30_000, maxWaiters: Infinity,
    idleTimeoutMs: 600_000, validateAfterIdleMs: 1_000, pingTimeoutMs: 5_000, queryTimeoutMs: 0, keepaliveMs: 0,
    leakDetectionMs: 0, backoff: { baseMs: 100, maxMs: 10_000 }, failFast: false, connectTimeoutMs: 10_000,
    maxConnecting: 2, heartbeatMs: 10_000, retireTimeoutMs: 30_000, maxQueriesPerConnection: 1_024, maxUses: 0,
    onConnect: undefined, allowExitOnIdle: false, seeds: [{ host: 'localhost', port: 28015 }], explicitServers: false,
    discovery: false, discoveryIntervalMs: 30_000,
  });
  assert.equal(driver.native, true);
  assert.equal(typeof clock.now, 'function');
  assert.deepEqual(mapAddress({ host: 'a', port: 1 }), { host: 'a', port: 1 });
  assert.equal(resolveOptions({ poolSize: 7 }).minIdle, 7);
  assert.equal(resolveOptions({ maxWaiters: Infinity }).maxWaiters, Infinity);
  assert.equal(DEFAULTS.poolSize, 3);
});

it('validates per-call options', async () => {
  const pool = new AsyncConnectionPool({ host: '127.0.0.1', port: 1 });
  await assert.rejects(pool.acquire({ timeoutMs: -1 }), /timeoutMs/);
  await assert.rejects(pool.acquire({ signal: 'x' as never }), /signal/);
  await assert.rejects(pool.releasePool({ timeoutMs: -1 }), /timeoutMs/);
  await pool.releasePool();
});
