// Changefeed frames byte for byte, as recorded from a real RethinkDB 2.4.4 (PROTOCOL.md
// section 5): the empty first batch and its notes, a CONTINUE answered only once a change
// exists, item shapes, one batch per write, STOP, and the end when the table is dropped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../../src/testing/index.js';
import { RawClient } from '../raw-client.js';

let server: TestServer;
let client: RawClient;
let token = 100;

before(async () => {
  server = await startTestServer({ port: 0 });
  client = await RawClient.connect(server.port);
});

after(async () => {
  client.close();
  await server.stop();
});

const T = (name: string): string => `[15,["${name}"]]`;

/** Runs a START on a fresh token; returns the answer. */
async function run(term: string): Promise<unknown> {
  return client.ask(++token, `[1,${term}]`);
}

async function table(name: string, rows = '[]'): Promise<void> {
  await run(`[60,["${name}"]]`);
  await run(`[56,[${T(name)},[2,${rows}]]]`);
}

/** The raw bodies that arrived on `tok`, in order. */
function bodies(tok: number): string[] {
  return client.arrivals.filter((a) => a.token === tok).map((a) => a.body);
}

/** One SERVER_INFO round trip: every answer the server had already written is in by now. */
async function roundTrip(): Promise<void> {
  assert.equal((await client.ask(++token, '[5]')).t, 5);
}

test('a table feed answers at once with an empty batch, note 1; a CONTINUE waits for a change', async () => {
  await table('fr1', '[{"id":1,"v":1}]');
  const feed = ++token;
  assert.deepEqual(await client.ask(feed, `[1,[152,[${T('fr1')}]]]`), { t: 3, r: [], n: [1] });
  assert.deepEqual(bodies(feed), ['{"t":3,"r":[],"n":[1]}']);
  const answer = client.response(feed);
  client.send(feed, '[2]');
  await roundTrip();
  assert.equal(bodies(feed).length, 1, 'no answer (and no empty batch) before a change exists');
  await run(`[53,[[16,[${T('fr1')},1]],{"v":2}]]`);
  await answer;
  assert.equal(bodies(feed)[1], '{"t":3,"r":[{"new_val":{"id":1,"v":2},"old_val":{"id":1,"v":1}}],"n":[1]}');

  const inserted = client.response(feed);
  client.send(feed, '[2]');
  await run(`[56,[${T('fr1')},[2,[{"id":2},{"id":3},{"id":4}]]]]`);
  await inserted;
  assert.equal(bodies(feed)[2], '{"t":3,"r":[{"new_val":{"id":2},"old_val":null},{"new_val":{"id":3},"old_val":null},' +
    '{"new_val":{"id":4},"old_val":null}],"n":[1]}', 'one write, one batch, rows in write order');

  // Changes made while no CONTINUE waits are kept, and the next CONTINUE gets them at once.
  await run(`[54,[[16,[${T('fr1')},2]]]]`);
  await run(`[54,[[16,[${T('fr1')},3]]]]`);
  await client.ask(feed, '[2]');
  assert.equal(bodies(feed)[3], '{"t":3,"r":[{"new_val":null,"old_val":{"id":2}},{"new_val":null,"old_val":{"id":3}}],"n":[1]}');

  assert.deepEqual(await client.ask(feed, '[3]'), { t: 2, r: [], n: [] });
  assert.deepEqual(await client.ask(feed, '[2]'), { t: 16, r: [`Token ${feed} not in stream cache.`], b: [] });
});

test('notes: [2] for a point feed, [3] for orderBy.limit, [1,5] with includeStates', async () => {
  await table('fr2', '[{"id":1},{"id":2},{"id":3}]');
  const point = await run(`[152,[[16,[${T('fr2')},1]]]]`);
  assert.deepEqual(point, { t: 3, r: [], n: [2] });
  const limit = await run(`[152,[[71,[[41,[${T('fr2')}],{"index":"id"}],2]]]]`);
  assert.deepEqual(limit, { t: 3, r: [], n: [3] });
  const states = ++token;
  await client.ask(states, `[1,[152,[${T('fr2')}],{"include_states":true}]]`);
  assert.deepEqual(bodies(states), ['{"t":3,"r":[{"state":"ready"}],"n":[1,5]}']);
  const pointStates = await run(`[152,[[16,[${T('fr2')},1]]],{"include_states":true}]`);
  assert.deepEqual(pointStates, { t: 3, r: [{ state: 'ready' }], n: [2, 5] });
});

test('includeInitial, includeStates and includeTypes together, in the recorded order', async () => {
  await table('fr3', '[{"id":1,"v":1}]');
  const feed = ++token;
  const opts = '{"include_initial":true,"include_states":true,"include_types":true}';
  await client.ask(feed, `[1,[152,[${T('fr3')}],${opts}]]`);
  await client.ask(feed, '[2]');
  const answer = client.response(feed);
  client.send(feed, '[2]');
  await run(`[53,[[16,[${T('fr3')},1]],{"v":2}]]`);
  await answer;
  await run(`[56,[${T('fr3')},{"id":2}]]`);
  await client.ask(feed, '[2]');
  await run(`[54,[[16,[${T('fr3')},2]]]]`);
  await client.ask(feed, '[2]');
  assert.deepEqual(bodies(feed), [
    '{"t":3,"r":[{"state":"initializing","type":"state"},{"new_val":{"id":1,"v":1},"type":"initial"}],"n":[1,5]}',
    '{"t":3,"r":[{"state":"ready","type":"state"}],"n":[1,5]}',
    '{"t":3,"r":[{"new_val":{"id":1,"v":2},"old_val":{"id":1,"v":1},"type":"change"}],"n":[1,5]}',
    '{"t":3,"r":[{"new_val":{"id":2},"old_val":null,"type":"add"}],"n":[1,5]}',
    '{"t":3,"r":[{"new_val":null,"old_val":{"id":2},"type":"remove"}],"n":[1,5]}',
  ]);
  await client.ask(feed, '[3]');
});

test('STOP answers a waiting CONTINUE and itself with {"t":2,"r":[],"n":[]}', async () => {
  await table('fr4');
  const feed = ++token;
  await client.ask(feed, `[1,[152,[${T('fr4')}]]]`);
  client.send(feed, '[2]');
  await roundTrip();
  const first = client.response(feed);
  client.send(feed, '[3]');
  await first;
  await client.response(feed);
  assert.deepEqual(bodies(feed).slice(1), ['{"t":2,"r":[],"n":[]}', '{"t":2,"r":[],"n":[]}']);
  await run(`[56,[${T('fr4')},{"id":1}]]`);
  await roundTrip();
  assert.equal(bodies(feed).length, 3, 'a stopped feed sends nothing more');
});

test('dropping the table ends a waiting feed with OP_FAILED "Changefeed aborted (unavailable)."', async () => {
  await table('fr5', '[{"id":1}]');
  const openBefore = server.stats().feeds;
  const waiting = ++token;
  const later = ++token;
  await client.ask(waiting, `[1,[152,[${T('fr5')}]]]`);
  await client.ask(later, `[1,[152,[[16,[${T('fr5')},1]]]]]`);
  await run(`[53,[[16,[${T('fr5')},1]],{"v":1}]]`);
  assert.equal((await client.ask(waiting, '[2]')).r.length, 1);
  const aborted = client.response(waiting);
  client.send(waiting, '[2]');
  await roundTrip();
  await run('[61,["fr5"]]');
  await aborted;
  // The waiting feed ends at once; the other on its next CONTINUE (its queued change is lost).
  const end = '{"t":18,"e":4100000,"r":["Changefeed aborted (unavailable)."],"b":[]}';
  assert.equal(bodies(waiting).at(-1), end);
  await client.ask(later, '[2]');
  assert.deepEqual(bodies(later), ['{"t":3,"r":[],"n":[2]}', end]);
  assert.equal((await client.ask(later, '[2]')).t, 16, 'an ended feed is gone from the stream cache');
  assert.equal(server.stats().feeds, openBefore, 'ended feeds no longer count as open');
});

test('a feed run with noreply is never started', async () => {
  await table('fr6');
  const before = server.stats().feeds;
  const feed = ++token;
  client.send(feed, `[1,[152,[${T('fr6')}]],{"noreply":true}]`);
  await roundTrip();
  assert.deepEqual(bodies(feed), []);
  assert.equal(server.stats().feeds, before);
});
