/**
 * The test kit: an embedded server that speaks RethinkDB's wire protocol to the real drivers,
 * a fault proxy, a test cluster and a fake clock, for testing pools and the code that uses them.
 * @module async-repool/testing
 */
export { startTestServer } from './server/server.js';
export type { RestartOptions, TestServer, TestServerMode, TestServerStats } from './server/handle.js';
export type { TestServerOptions } from './server/options.js';
export { createClusterMembership } from './server/membership.js';
export type { ClusterMembership } from './server/membership.js';
export type { ServerDescriptor } from './server/reql/types.js';
export { Store } from './server/store.js';
export type { StoreOptions } from './server/store.js';
export { startFaultProxy } from './fault-proxy.js';
export type { FaultProxy, FaultProxyOptions, FaultProxyStats, FaultProxyTarget } from './fault-proxy.js';
export { startTestCluster } from './cluster.js';
export type { TestCluster, TestClusterOptions } from './cluster.js';
export { createFakeClock } from './fake-clock.js';
export type { FakeClock } from './fake-clock.js';
