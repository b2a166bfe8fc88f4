// startTestCluster(): several test servers over one Store and one membership, so that every
// node serves the same data and lists every live node in rethinkdb.server_status and
// server_config, as a real RethinkDB cluster does. Each node is a plain TestServer: it can
// be dropped, paused, slowed, made silent or a zombie, restarted (with a downtime), stopped
// and started again alone, which is what a pool's failover and discovery tests need.
import { createClusterMembership, type ClusterMembership } from './server/membership.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server/server.js';
import { Store } from './server/store.js';

/**
 * Options of {@link startTestCluster}. Per-node options of startTestServer (`port`, `name`,
 * `store`, `cluster`) are refused: every node gets a free port and the name
 * `repool_node_<n>`, and the cluster owns the shared store and membership. A bad or unknown
 * option makes startTestCluster() throw a TypeError naming it.
 */
export interface TestClusterOptions {
  /** How many nodes to start, 1 to 16. @default 3 */
  nodes?: number;
  /** Interface every node listens on (each on its own free port). @default '127.0.0.1' */
  host?: string;
  /** Accounts and their passwords, the same on every node. @default { admin: '' } */
  users?: Record<string, string>;
  /** Every node listens with TLS, using this key and certificate. @default plain TCP */
  tls?: {
    /** Private key, PEM (a string or a Buffer). */
    key: string | Buffer;
    /** Certificate (chain) for `key`, PEM (a string or a Buffer). */
    cert: string | Buffer;
  };
}

/**
 * A running test cluster, as {@link startTestCluster} resolves it: nodes sharing one Store
 * and one {@link ClusterMembership}. Control each node through its own {@link TestServer}
 * handle; the data is shared, so it survives any node's restart() or stop().
 *
 * Membership, as every node's server_status and server_config show it: a node is listed
 * while it listens. During a restart()'s downtime and while stopped it is not listed (a real
 * cluster lists only connected servers); when it listens again it is listed in its old
 * place, with the same id, name and port. A silent or zombie node (setMode()) stays listed:
 * the other nodes do not see that it no longer answers clients.
 */
export interface TestCluster {
  /**
   * Every node started so far, in start order (`nodes[0]` is `repool_node_1`); nodes added
   * with addNode() come last. A node stopped on its own stays here, and its start() brings it
   * back.
   */
  readonly nodes: readonly TestServer[];
  /**
   * Starts one more node on the same data, named after its place (`repool_node_4` for the
   * fourth); the others list it as soon as this resolves. A cluster holds at most 16 nodes.
   */
  addNode(): Promise<TestServer>;
  /**
   * Stops every node (and waits for pending addNode() calls), ending any node's restart()
   * downtime at once; idempotent. A node start()ed again afterwards is the caller's to stop.
   */
  stop(): Promise<void>;
  /** stop(), for `await using cluster = await startTestCluster(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

export const MAX_CLUSTER_NODES = 16;
const DEFAULT_NODES = 3;
const OPTION_NAMES = new Set(['nodes', 'host', 'users', 'tls']);

/** Throws a TypeError naming the first bad option; host, users and tls are left to startTestServer. */
function validate(options: TestClusterOptions): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError('startTestCluster options must be an object');
  }
  for (const key of Object.keys(options)) {
    // port, name, store and cluster are per node or owned by the cluster, so they are refused here.
    if (!OPTION_NAMES.has(key)) throw new TypeError(`Unknown startTestCluster option \`${key}\``);
  }
  const { nodes } = options;
  if (nodes !== undefined && !(typeof nodes === 'number' && Number.isInteger(nodes) && nodes >= 1 && nodes <= MAX_CLUSTER_NODES)) {
    throw new TypeError(`Option \`nodes\` must be an integer from 1 to ${MAX_CLUSTER_NODES}`);
  }
}

class RunningTestCluster implements TestCluster {
  private readonly started: TestServer[] = [];
  /** Names handed out so far, counting starts still in flight, so concurrent addNode() calls get distinct names. */
  private reserved = 0;
  private readonly pending = new Set<Promise<unknown>>();
  private stopping: Promise<void> | undefined;
  private readonly store = new Store();
  private readonly membership: ClusterMembership = createClusterMembership();

  constructor(private readonly options: TestClusterOptions) {}

  get nodes(): readonly TestServer[] {
    return Object.freeze([...this.started]);
  }

  addNode(): Promise<TestServer> {
    if (this.stopping) return Promise.reject(new Error('addNode() after stop(): the test cluster is stopped'));
    if (this.reserved >= MAX_CLUSTER_NODES) {
      return Promise.reject(new RangeError(`A test cluster holds at most ${MAX_CLUSTER_NODES} nodes`));
    }
    const start = this.startNode(++this.reserved);
    this.pending.add(start);
    const settled = (): void => {
      this.pending.delete(start);
    };
    start.then(settled, settled);
    return start;
  }

  private async startNode(index: number): Promise<TestServer> {
    const { host, users, tls } = this.options;
    const serverOptions: TestServerOptions = {
      port: 0, name: `repool_node_${index}`, store: this.store, cluster: this.membership,
    };
    if (host !== undefined) serverOptions.host = host;
    if (users !== undefined) serverOptions.users = users;
    if (tls !== undefined) serverOptions.tls = tls;
    const node = await startTestServer(serverOptions);
    this.started.push(node);
    // stop() waits for pending starts, so this node is stopped with the others; the caller
    // still learns that it came too late.
    if (this.stopping) throw new Error('addNode() raced with stop(): the test cluster is stopped');
    return node;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.allSettled([...this.pending]);
      await Promise.all(this.started.map((node) => node.stop()));
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Starts `nodes` test servers sharing one Store and listing each other in
 * rethinkdb.server_status; resolves once all of them listen. If one fails to start, the
 * others are stopped and the error is thrown.
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  validate(options);
  const cluster = new RunningTestCluster(options);
  const count = options.nodes ?? DEFAULT_NODES;
  try {
    // One after the other, so that nodes register (and are listed) in name order.
    for (let i = 0; i < count; i++) await cluster.addNode();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
