// What the test server does not implement it refuses by name, before any part of the
// query runs: r.js (it has no JavaScript engine), geometry beyond r.point, r.http (and,
// at run time, the changefeeds it cannot follow: see test/testing/feeds/options.test.ts). An unsupported term inside a write's function fails the whole write loudly
// instead of coming back as a per-row error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveServer, R, TS } from './live.js';

const live = liveServer();

test('r.js is refused with the reason: no JavaScript engine', async () => {
  const err = await live.fail(R.js('1 + 1'));
  assert.equal(err.name, 'ReqlQueryLogicError');
  assert.match(err.msg ?? '', /^Term JAVASCRIPT is not supported by the async-repool test server: it has no JavaScript engine/);
  const ts = await live.tsFail(TS.js('2'));
  assert.match(ts.message, /no JavaScript engine/);
});

test('other unsupported terms are named', async () => {
  await live.table('plain', [{ id: 1 }]);
  for (const [q, name] of [
    [R.circle([0, 0], 10), 'CIRCLE'],
    [R.http('http://example.com'), 'HTTP'],
  ] as const) {
    const err = await live.fail(q);
    assert.equal(err.msg, `Term ${name} is not supported by the async-repool test server.`);
  }
  assert.equal(await live.run(R.point(1, 2).typeOf()), 'PTYPE<GEOMETRY>', 'r.point is a plain GEOMETRY object');
});

test('an unsupported term in a write function fails the write before anything is written', async () => {
  await live.table('guarded', [{ id: 1, n: 0 }]);
  const t = R.table('guarded');
  const err = await live.fail(t.get(1).update({ n: R.js('5') }, { nonAtomic: true }));
  assert.match(err.msg ?? '', /^Term JAVASCRIPT is not supported/);
  const never = await live.fail(R.branch(false, R.js('1'), t.insert({ id: 2 })));
  assert.match(never.msg ?? '', /^Term JAVASCRIPT/, 'refused even in a branch that would not run');
  assert.deepEqual(await live.run(t.orderBy('id')), [{ id: 1, n: 0 }]);
});
