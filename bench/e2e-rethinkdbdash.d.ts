// The few parts of rethinkdbdash (CommonJS, untyped) that the end-to-end benchmark uses.
declare module 'rethinkdbdash' {
  interface DashQuery {
    run(): PromiseLike<unknown>;
  }
  interface DashTable {
    get(key: unknown): DashQuery;
  }
  interface DashR {
    db(name: string): { table(name: string): DashTable };
    getPoolMaster(): { drain(): PromiseLike<void>; getLength(): number; getAvailableLength(): number };
  }
  interface DashOptions {
    host?: string;
    port?: number;
    db?: string;
    user?: string;
    password?: string;
    /** Connections the pool keeps open. */
    buffer?: number;
    /** Most connections the pool opens. */
    max?: number;
    silent?: boolean;
    pool?: boolean;
    cursor?: boolean;
  }
  function rethinkdbdash(options?: DashOptions): DashR;
  export default rethinkdbdash;
}
