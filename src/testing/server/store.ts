// The in-memory store of databases, tables and documents shared by every connection of a
// server (and every node of a test cluster). Documents are stored frozen, with their keys
// sorted as the real server prints them, so the evaluator can hand stored rows straight to
// a result (the session serializes them) without copying and without any risk that a
// query mutates the store by accident.
import { randomUUID } from 'node:crypto';
import { canonicalFrozen, isObject, type DatumObject } from './reql/datum.js';

/** A stored document: a frozen plain JSON object. */
export type Doc = DatumObject;

/** The system database, always listed by dbList; its tables are computed, not stored. */
export const SYSTEM_DB = 'rethinkdb';

export interface IndexInfo {
  readonly name: string;
  readonly multi: boolean;
  readonly geo: boolean;
  /** The index function term as the client sent it (absent: the field of that name). */
  readonly fn: unknown;
}

/** Options of a {@link Store}. */
export interface StoreOptions {
  /**
   * Return the rows of unordered table scans (a table read without `orderBy`, `filter`,
   * `getAll` on a secondary index...) in an order shuffled by this seed instead of
   * insertion order. A real RethinkDB returns such scans in an order of its own (by a
   * hash of the primary key), so application code or tests that rely on scan order work
   * against a double yet break in production; with a seed they break here too, and
   * reproducibly: the same seed and keys give the same order, and each row keeps its
   * place when others are inserted. @default undefined (insertion order)
   */
  scanSeed?: number;
}

/**
 * Primary key values as Map keys. Type-tagged so that 1 and "1" are different rows;
 * numbers print the same whether written 1 or 1.0; a TIME is keyed by its instant.
 */
export function canonicalKey(key: unknown): string {
  switch (typeof key) {
    case 'string': return `s${key}`;
    case 'number': return `n${key}`;
    case 'boolean': return key ? 'btrue' : 'bfalse';
    default:
      if (isObject(key) && key.$reql_type$ === 'TIME') return `t${String(key.epoch_time)}`;
      return `j${JSON.stringify(canonicalFrozen(key))}`;
  }
}

/**
 * Someone told of every row written to a table (a changefeed). Called synchronously inside
 * the write, once per row, in the order the rows are written; it must not throw.
 */
export interface TableObserver {
  /** A row changed: `oldDoc` is null for an insert, `newDoc` null for a delete. */
  change(oldDoc: Doc | null, newDoc: Doc | null): void;
  /** The table was dropped (alone or with its database): no change will ever come. */
  dropped(): void;
}

export class Table {
  readonly id = randomUUID();
  readonly indexes = new Map<string, IndexInfo>();
  durability: 'hard' | 'soft' = 'hard';
  private readonly docs = new Map<string, Doc>();
  /** rows() snapshot, rebuilt lazily after a write: repeated scans allocate nothing. */
  private snapshot: readonly Doc[] | undefined;
  private scanSnapshot: readonly Doc[] | undefined;
  /** Bumped on every write: caches derived from the rows (index keys) check it. */
  private version = 0;
  private readonly observers = new Set<TableObserver>();
  private isDropped = false;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly primaryKey: string,
    /** See {@link StoreOptions.scanSeed}. */
    private readonly scanSeed?: number,
  ) {}

  /** A number that changes whenever a row is written. */
  get revision(): number {
    return this.version;
  }

  /** A stored table can be written to (system tables, computed, cannot). */
  get writable(): Table {
    return this;
  }

  get size(): number {
    return this.docs.size;
  }

  get(key: unknown): Doc | undefined {
    return this.docs.get(canonicalKey(key));
  }

  /** Every document, in insertion order. The array is shared: never mutate it. */
  rows(): readonly Doc[] {
    if (this.snapshot === undefined) this.snapshot = Object.freeze([...this.docs.values()]);
    return this.snapshot;
  }

  /** Every document in the order an unordered scan returns them (see StoreOptions.scanSeed). */
  scan(): readonly Doc[] {
    if (this.scanSeed === undefined) return this.rows();
    if (this.scanSnapshot === undefined) {
      const seed = this.scanSeed;
      const keyed = this.rows().map((d) => ({ d, h: scanHash(seed, canonicalKey(d[this.primaryKey])) }));
      keyed.sort((a, b) => a.h - b.h);
      this.scanSnapshot = Object.freeze(keyed.map((x) => x.d));
    }
    return this.scanSnapshot;
  }

  /** Stores `doc` (copied, sorted, frozen) under its primary key; returns the stored form. */
  put(doc: DatumObject): Doc {
    const stored = canonicalFrozen(doc) as Doc;
    const key = canonicalKey(stored[this.primaryKey]);
    const old = this.docs.get(key) ?? null;
    // Replacing an existing key keeps its place in the Map (insertion order).
    this.docs.set(key, stored);
    this.changed(old, stored);
    return stored;
  }

  delete(key: unknown): boolean {
    const k = canonicalKey(key);
    const old = this.docs.get(k);
    if (old === undefined) return false;
    this.docs.delete(k);
    this.changed(old, null);
    return true;
  }

  /** Tells `observer` of every later write, until the returned function is called. */
  watch(observer: TableObserver): () => void {
    if (this.isDropped) {
      observer.dropped();
      return () => {};
    }
    this.observers.add(observer);
    return () => {
      this.observers.delete(observer);
    };
  }

  /** @internal The store removed this table: observers are told once, then forgotten. */
  drop(): void {
    if (this.isDropped) return;
    this.isDropped = true;
    const observers = [...this.observers];
    this.observers.clear();
    for (const o of observers) o.dropped();
  }

  private changed(oldDoc: Doc | null, newDoc: Doc | null): void {
    this.snapshot = undefined;
    this.scanSnapshot = undefined;
    this.version++;
    for (const o of this.observers) o.change(oldDoc, newDoc);
  }
}

/** FNV-1a (32 bits) of the seed and a row's canonical key: where the row sorts in a shuffled scan. */
function scanHash(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed & 0xffffffff);
  const s = `${Math.floor(seed / 2 ** 32)}:${key}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // One avalanche round so that keys differing in their last character spread apart.
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

export class Database {
  readonly id = randomUUID();
  readonly tables = new Map<string, Table>();
  constructor(readonly name: string) {}
}

/**
 * The in-memory data a test server serves: databases, tables, documents and secondary-index
 * definitions. A new Store holds one empty database, `test`. Pass the same Store as the
 * `store` option of several {@link startTestServer} calls so that they serve the same data
 * (as {@link startTestCluster} does). Data lives as long as the Store object: it is kept
 * across a server's restart() and stop(), and is never written to disk.
 *
 * To a test, a Store is an opaque handle: read and write its data with queries through a
 * driver or a pool; its methods are the query evaluator's plumbing.
 */
export class Store {
  private readonly dbs = new Map<string, Database>();
  private readonly scanSeed: number | undefined;

  /**
   * An empty store: only the `test` database, with no tables.
   * @throws TypeError when an option is unknown or `scanSeed` is not a safe integer
   */
  constructor(options: StoreOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('Store options must be an object');
    for (const k of Object.keys(options)) {
      if (k !== 'scanSeed') throw new TypeError(`Unknown Store option \`${k}\``);
    }
    const { scanSeed } = options;
    if (scanSeed !== undefined && !Number.isSafeInteger(scanSeed)) {
      throw new TypeError('Option `scanSeed` must be a safe integer');
    }
    this.scanSeed = scanSeed;
    this.dbs.set('test', new Database('test'));
  }

  /** @internal */
  getDb(name: string): Database | undefined {
    return this.dbs.get(name);
  }

  /** @internal Whether a database of that name exists (`rethinkdb` always does). */
  hasDb(name: string): boolean {
    return name === SYSTEM_DB || this.dbs.has(name);
  }

  /** @internal Creates a database; undefined if one of that name exists (the system db included). */
  createDb(name: string): Database | undefined {
    if (this.hasDb(name)) return undefined;
    const db = new Database(name);
    this.dbs.set(name, db);
    return db;
  }

  /** @internal Removes a database and its tables; returns it, or undefined if there was none. */
  dropDb(name: string): Database | undefined {
    const db = this.dbs.get(name);
    if (db !== undefined) {
      this.dbs.delete(name);
      for (const t of db.tables.values()) t.drop();
    }
    return db;
  }

  /** @internal User databases plus `rethinkdb`, sorted as the server lists them. */
  dbNames(): string[] {
    return [SYSTEM_DB, ...this.dbs.keys()].sort();
  }

  /** @internal Stored databases (not `rethinkdb`), in creation order. */
  userDatabases(): readonly Database[] {
    return [...this.dbs.values()];
  }

  /** @internal */
  getTable(db: string, name: string): Table | undefined {
    return this.dbs.get(db)?.tables.get(name);
  }

  /** @internal Creates a table; undefined if `db` does not exist or already has that table. */
  createTable(db: string, name: string, primaryKey = 'id'): Table | undefined {
    const d = this.dbs.get(db);
    if (d === undefined || d.tables.has(name)) return undefined;
    const t = new Table(db, name, primaryKey, this.scanSeed);
    d.tables.set(name, t);
    return t;
  }

  /** @internal Removes a table; returns it, or undefined if there was none. */
  dropTable(db: string, name: string): Table | undefined {
    const d = this.dbs.get(db);
    const t = d?.tables.get(name);
    if (t !== undefined) {
      d?.tables.delete(name);
      t.drop();
    }
    return t;
  }
}
