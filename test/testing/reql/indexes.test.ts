// Secondary indexes are computed from their functions: a field, a nested field, a compound
// key, a multi index; a missing index is an error; between, orderBy({index}), min/max,
// group and distinct read them; indexStatus, indexWait and indexRename work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveServer, R, TS } from './live.js';

const live = liveServer();

const BOOKS = [
  { id: 1, title: 'Dune', genre: 'sf', year: 1965, shelf: { room: 'A', row: 2 }, tags: ['classic', 'desert'] },
  { id: 2, title: 'Emma', genre: 'novel', year: 1815, shelf: { room: 'B', row: 1 }, tags: ['classic'] },
  { id: 3, title: 'Solaris', genre: 'sf', year: 1961, shelf: { room: 'A', row: 1 }, tags: ['ocean'] },
  { id: 4, title: 'Ulysses', genre: 'novel', year: 1922, shelf: { room: 'C', row: 3 }, tags: [] },
  { id: 5, title: 'Untitled', genre: 'sf', shelf: { room: 'C', row: 1 } },
];

async function library(): Promise<any> {
  await live.table('books', BOOKS);
  const t = R.table('books');
  await live.run(t.indexCreate('genre'));
  await live.run(t.indexCreate('room', R.row('shelf')('room')));
  await live.run(t.indexCreate('genre_year', (b: any) => [b('genre'), b('year')]));
  await live.run(t.indexCreate('tags', { multi: true }));
  await live.run(t.indexCreate('title_lower', (b: any) => b('title').downcase()));
  await live.run(t.indexWait());
  return t;
}

const ids = (v: unknown) => (v as Array<{ id: number }>).map((b) => b.id);

test('getAll reads field, nested, compound, multi and computed indexes', async () => {
  const t = await library();
  assert.deepEqual(ids(await live.run(t.getAll('sf', { index: 'genre' }).orderBy('id'))), [1, 3, 5]);
  assert.deepEqual(ids(await live.run(t.getAll('A', { index: 'room' }).orderBy('id'))), [1, 3]);
  assert.deepEqual(ids(await live.run(t.getAll(['sf', 1961], { index: 'genre_year' }))), [3]);
  assert.deepEqual(ids(await live.run(t.getAll('classic', { index: 'tags' }).orderBy('id'))), [1, 2]);
  assert.deepEqual(ids(await live.run(t.getAll('ulysses', { index: 'title_lower' }))), [4]);
  const missing = await live.fail(t.getAll('x', { index: 'author' }));
  assert.equal(missing.name, 'ReqlOpFailedError');
  assert.equal(missing.msg, 'Index `author` was not found on table `test.books`.');
  assert.deepEqual(await live.tsRun(TS.table('books').getAll('C', { index: 'room' })('id').orderBy((x: any) => x)), [4, 5]);
});

test('orderBy({index}) and between use index order; rows outside the index are left out', async () => {
  const t = await library();
  assert.deepEqual(ids(await live.run(t.orderBy({ index: 'genre_year' }))), [2, 4, 3, 1],
    'book 5 has no year: its compound key fails, so it is not in the index');
  assert.deepEqual(ids(await live.run(t.orderBy({ index: R.desc('genre_year') }).limit(2))), [1, 3]);
  const sf = t.between(['sf', R.minval], ['sf', R.maxval], { index: 'genre_year' });
  assert.deepEqual(ids(await live.run(sf.orderBy({ index: 'genre_year' }))), [3, 1]);
  assert.deepEqual(ids(await live.run(t.between(2, 4).orderBy({ index: 'id' }))), [2, 3], 'right bound open by default');
  assert.deepEqual(ids(await live.run(t.between(2, 4, { rightBound: 'closed', leftBound: 'open' }).orderBy('id'))), [3, 4]);
  assert.equal(await live.run(t.between(1, 9).typeOf()), 'TABLE_SLICE');
  const mixed = await live.fail(t.between('A', 'B', { index: 'room' }).orderBy({ index: 'genre' }));
  assert.equal(mixed.msg, 'Cannot order by index `genre` after calling BETWEEN on index `room`.');
  const nullBound = await live.fail(t.between(null, 3));
  assert.match(nullBound.msg ?? '', /^Cannot use `null` in BETWEEN/);
  const noIndex = await live.fail(t.orderBy({ index: 'author' }));
  assert.equal(noIndex.name, 'ReqlOpFailedError');
});

test('min, max, group and distinct by index; the index follows writes', async () => {
  const t = await library();
  assert.equal(await live.run(t.min({ index: 'genre_year' })('title')), 'Emma');
  assert.equal(await live.run(t.max({ index: 'genre_year' })('title')), 'Dune');
  assert.deepEqual(await live.run(t.group({ index: 'room' }).count()),
    [{ group: 'A', reduction: 2 }, { group: 'B', reduction: 1 }, { group: 'C', reduction: 2 }]);
  assert.deepEqual(await live.run(t.distinct({ index: 'tags' })), ['classic', 'desert', 'ocean']);
  await live.run(t.get(4).update({ shelf: { room: 'A' } }));
  assert.deepEqual(ids(await live.run(t.getAll('A', { index: 'room' }).orderBy('id'))), [1, 3, 4]);
});

test('indexStatus, indexWait, indexRename and indexDrop', async () => {
  const t = await library();
  const status = await live.run(t.indexStatus('genre', 'tags')) as Array<Record<string, unknown>>;
  assert.deepEqual(status.map((s) => [s.index, s.multi, s.ready, s.geo, s.outdated]),
    [['genre', false, true, false, false], ['tags', true, true, false, false]]);
  assert.equal(status[0]?.query, 'indexCreate(\'genre\', function(_var19) { return _var19.getField("genre"); })');
  assert.equal((await live.run(t.indexWait()) as unknown[]).length, 5);
  assert.deepEqual(await live.run(t.indexRename('room', 'place')), { renamed: 1 });
  assert.deepEqual(ids(await live.run(t.getAll('B', { index: 'place' }))), [2]);
  const taken = await live.fail(t.indexRename('place', 'genre'));
  assert.equal(taken.msg, 'Index `genre` already exists on table `test.books`.');
  assert.deepEqual(await live.run(t.indexRename('place', 'genre', { overwrite: true })), { renamed: 1 });
  assert.deepEqual(await live.run(t.indexDrop('genre')), { dropped: 1 });
  const gone = await live.fail(t.indexStatus('genre'));
  assert.equal(gone.msg, 'Index `genre` was not found on table `test.books`.');
  const primary = await live.fail(t.indexCreate('id'));
  assert.equal(primary.msg, 'Index name conflict: `id` is the name of the primary key.');
});
