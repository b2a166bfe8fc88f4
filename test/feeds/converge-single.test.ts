// The convergence guarantee on a single server behind the fault proxy (see converge-run.ts):
// dropped connections, restarts with a down gap, blackholes. Replay: CHAOS_SEED=<n> npm test -- converge-single
import { describe, it } from 'node:test';
import { startFaultProxy, startTestServer, type FaultProxy, type TestServer } from '../../src/testing/index.js';
import { converge, convergeSeed, type Faults } from './converge-run.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function faults(server: TestServer, proxy: FaultProxy): Faults {
  return {
    target: { host: proxy.host, port: proxy.port },
    direct: { host: server.host, port: server.port },
    async inject(pick) {
      const roll = pick();
      if (roll < 0.4) {
        proxy.resetAll();
        return 'reset';
      }
      if (roll < 0.7) {
        proxy.blackhole(true);
        await sleep(200 + Math.floor(pick() * 800));
        proxy.blackhole(false);
        return 'blackhole';
      }
      // The whole server: writers see it too; the feed's connection dies with it.
      const downMs = 100 + Math.floor(pick() * 700);
      await server.restart({ downMs });
      return `restart(${downMs})`;
    },
    async heal() {
      proxy.blackhole(false);
    },
  };
}

describe('converge: one server behind the fault proxy', { concurrency: true }, () => {
  const seed = convergeSeed();
  for (const driver of ['official', 'rethinkdb-ts'] as const) {
    it(`${driver}: the map equals the table after the faults (seed ${seed})`, async () => {
      // A server of its own: the other driver's faults must not reach this one's check.
      await using server = await startTestServer({ port: 0 });
      await using proxy = await startFaultProxy({ target: server });
      console.log(await converge(driver, faults(server, proxy), 'conv', seed));
    });
  }
});
