// The convergence guarantee on a 3-node test cluster (see converge-run.ts): nodes are
// stopped and started again (the data is shared, as replicas' would be), connections are
// dropped. The feed resumes on a live node. Replay: CHAOS_SEED=<n> npm test -- converge-cluster
import { describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { converge, convergeSeed, type Faults } from './converge-run.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function faults(cluster: TestCluster): Faults {
  // Node 0 stays up for the writers and the final check; nodes 1 and 2 fail.
  const [steady, ...failing] = cluster.nodes;
  return {
    target: { servers: cluster.nodes.map((n) => ({ host: n.host, port: n.port })) },
    direct: { host: steady!.host, port: steady!.port },
    async inject(pick) {
      const node = failing[Math.floor(pick() * failing.length)]!;
      if (pick() < 0.4) {
        node.dropConnections();
        return 'drop';
      }
      await node.stop();
      await sleep(200 + Math.floor(pick() * 800));
      await node.start();
      return 'stop-start';
    },
    async heal() {
      for (const node of failing) await node.start();
      // Every node answering again; the steady one also loses its connections once, so
      // that feeds placed there move too.
      steady!.dropConnections();
    },
  };
}

describe('converge: a 3-node cluster whose nodes fail', { concurrency: true }, () => {
  const seed = convergeSeed();
  for (const driver of ['official', 'rethinkdb-ts'] as const) {
    it(`${driver}: the map equals the table after the faults (seed ${seed})`, async () => {
      // A cluster of its own: the other driver's faults must not reach this one's check.
      await using cluster = await startTestCluster({ nodes: 3 });
      console.log(await converge(driver, faults(cluster), 'convc', seed));
    });
  }
});
