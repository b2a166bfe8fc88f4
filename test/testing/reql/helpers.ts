// Calls runQuery directly, with the JSON the drivers send, against a fresh Store.
import assert from 'node:assert/strict';
import { ReqlError } from '../../../src/testing/server/reql/errors.js';
import { runQuery } from '../../../src/testing/server/reql/run-query.js';
import type { EvalContext, QueryResult, ServerDescriptor } from '../../../src/testing/server/reql/types.js';
import { Store } from '../../../src/testing/server/store.js';

export const SELF: ServerDescriptor = {
  id: '11111111-2222-4333-8444-555555555555',
  name: 'repool_test',
  host: '127.0.0.1',
  port: 28015,
  pid: 4242,
  timeStarted: 1_700_000_000_000,
};

export interface Harness {
  readonly store: Store;
  readonly ctx: EvalContext;
  /** Runs a START term; the result as QueryResult. */
  run(term: unknown, optargs?: Record<string, unknown>): QueryResult;
  /** Runs a term that must give a datum (SUCCESS_ATOM); returns it. */
  atom(term: unknown, optargs?: Record<string, unknown>): unknown;
  /** Runs a term that must give a stream (SUCCESS_SEQUENCE/PARTIAL); returns its rows. */
  stream(term: unknown, optargs?: Record<string, unknown>): readonly unknown[];
  /** Runs a term that must fail; returns the ReqlError. */
  fail(term: unknown, optargs?: Record<string, unknown>): ReqlError;
}

export function harness(servers: readonly ServerDescriptor[] = [SELF]): Harness {
  const store = new Store();
  const ctx: EvalContext = { store, self: servers[0] ?? SELF, servers: () => servers };
  const run = (term: unknown, optargs: Record<string, unknown> = {}) => runQuery({ term, optargs }, ctx);
  return {
    store,
    ctx,
    run,
    atom(term, optargs) {
      const res = run(term, optargs);
      assert.equal(res.kind, 'atom', `expected an atom from ${JSON.stringify(term)}`);
      // Through JSON, as the session sends it: no class instance or undefined may leak.
      return JSON.parse(JSON.stringify(res.kind === 'atom' ? res.value : null));
    },
    stream(term, optargs) {
      const res = run(term, optargs);
      assert.equal(res.kind, 'stream', `expected a stream from ${JSON.stringify(term)}`);
      return JSON.parse(JSON.stringify(res.kind === 'stream' ? res.rows : []));
    },
    fail(term, optargs) {
      try {
        run(term, optargs);
      } catch (err) {
        assert.ok(err instanceof ReqlError, `expected a ReqlError, got ${String(err)}`);
        return err;
      }
      assert.fail(`expected ${JSON.stringify(term)} to fail`);
    },
  };
}

/** The error as the wire shows it: `{t, e, r, b}`. */
export function wire(err: ReqlError): { t: number; e: number | undefined; r: string; b: unknown[] } {
  return { t: err.responseType, e: err.errorType, r: err.message, b: [...err.backtrace] };
}

/** `r.table('t')` as the official driver sends it, and as rethinkdb-ts does. */
export const T = [15, ['t']];
export const T_TS = [15, [[14, ['test']], 't']];
/** A write result with every counter present (keys sorted as the server writes them). */
export function counts(c: Partial<Record<'deleted' | 'errors' | 'inserted' | 'replaced' | 'skipped' | 'unchanged', number>>) {
  return { deleted: 0, errors: 0, inserted: 0, replaced: 0, skipped: 0, unchanged: 0, ...c };
}
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
