// A small repository module, the kind of pooled code an application has: it takes the pool
// and never sees a connection's lifecycle. examples/user-code.test.ts shows how to test it.
import r from 'rethinkdb';
import type { AsyncConnectionPool } from 'async-repool';

export interface Hero {
  id: string;
  name: string;
  team: string;
}

export function heroesRepo(pool: AsyncConnectionPool, table = 'heroes') {
  const heroes = r.table(table);
  return {
    /** Creates the table (once, at start-up or in a test's `before`). */
    async createTable(): Promise<void> {
      await pool.run(r.db('test').tableCreate(table));
    },

    /** Adds a hero and returns its generated id. */
    async add(name: string, team: string): Promise<string> {
      const result = await pool.run(heroes.insert({ name, team }));
      return result.generated_keys[0]!;
    },

    /** Heroes of one team, by name. */
    async byTeam(team: string): Promise<Hero[]> {
      const rows = (await pool.run(heroes.filter({ team }))) as Hero[];
      return rows.sort((a, b) => a.name.localeCompare(b.name));
    },

    /** Moves a hero to another team; false if there is no such hero. Two queries, one lease. */
    async transfer(id: string, team: string): Promise<boolean> {
      return pool.withConnection(async (conn) => {
        const hero = await heroes.get<Hero>(id).run(conn);
        if (hero === null) return false;
        await heroes.get(id).update({ team }).run(conn);
        return true;
      });
    },

    async count(): Promise<number> {
      return pool.run(heroes.count());
    },
  };
}
