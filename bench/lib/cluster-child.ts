// A test cluster in its own process, for bench/cluster.ts: the nodes' event loop is not the
// pool's. Prints one JSON line with the nodes' addresses, then obeys lines on stdin:
// `latency <ms>` sets every node's per-query latency. Stops when stdin closes.
import { createInterface } from 'node:readline';
import { startTestCluster } from '../../src/testing/index.js';

const nodes = Number(process.argv[2] ?? 3);
const cluster = await startTestCluster({ nodes });
console.log(JSON.stringify({ nodes: cluster.nodes.map((n) => ({ host: n.host, port: n.port })) }));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'latency') for (const n of cluster.nodes) n.setLatency(Number(arg));
  console.log('ok');
});
lines.on('close', () => void cluster.stop());
