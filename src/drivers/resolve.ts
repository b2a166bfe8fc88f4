// Turns the `driver` option into a Connector.
import r from 'rethinkdb';
import type { Connector } from './connector.js';
import { rethinkdbConnector } from './rethinkdb.js';
import { rethinkdbTsConnector, type RethinkdbTsR } from './rethinkdb-ts.js';

const CONNECTOR_METHODS = ['connect', 'close', 'isOpen', 'ping', 'onClose'] as const;

/**
 * The official `r` (or nothing) gives the official connector; an object shaped like
 * rethinkdb-ts' `r` (it has `connectPool` and `connect`) gives the rethinkdb-ts connector;
 * an object with the five Connector methods is used as is. Anything else is a TypeError.
 */
export function resolveConnector(driver: unknown): Connector<unknown, unknown> {
  if (driver === undefined || driver === r) {
    return rethinkdbConnector() as unknown as Connector<unknown, unknown>;
  }
  if ((typeof driver === 'object' || typeof driver === 'function') && driver !== null) {
    const d = driver as Record<string, unknown>;
    if (CONNECTOR_METHODS.every((m) => typeof d[m] === 'function')) {
      return driver as Connector<unknown, unknown>;
    }
    if (typeof d.connectPool === 'function' && typeof d.connect === 'function') {
      return rethinkdbTsConnector(driver as RethinkdbTsR) as unknown as Connector<unknown, unknown>;
    }
    if (typeof d.connect === 'function' && typeof d.expr === 'function') {
      // Another copy of the official driver (for example a second install of `rethinkdb`).
      return rethinkdbConnector() as unknown as Connector<unknown, unknown>;
    }
    const missing = CONNECTOR_METHODS.filter((m) => typeof d[m] !== 'function');
    throw new TypeError(
      `driver must be the r of rethinkdb or rethinkdb-ts, or a Connector; this object lacks ${missing.join(', ')}`,
    );
  }
  throw new TypeError(`driver must be the r of rethinkdb or rethinkdb-ts, or a Connector, got ${driver === null ? 'null' : typeof driver}`);
}
