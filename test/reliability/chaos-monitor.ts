// Watches, on a short interval, how many connections the server and the proxy see and what the
// pool counts, and checks them against an honest bound (not a test file).
//
// The bound. The pool promises `opening + idle + leased <= poolSize`; it counts `closing`
// outside that. A socket can therefore still exist at the proxy or the server while:
//  - the pool is closing it (`closing`, until the driver's close settles);
//  - its close is in transit: the pool has finished with it (a `close` event, or a failed
//    connect, whose socket the connector destroys), but the proxy and then the server learn it
//    one or more event-loop turns later, and a clean FIN crosses the proxy only after the
//    latency in force (up to MAX_LATENCY_MS).
// So at every sample:  seen <= poolSize + closing + (sockets the pool let go within WINDOW_MS).
// Anything above that is a connection the pool does not account for: a real leak or overshoot.
import type { AsyncConnectionPool } from '../../src/index.js';
import type { FaultProxy, TestServer } from '../../src/testing/index.js';
import { MAX_LATENCY_MS } from './chaos-plan.js';

/** How long a socket the pool let go may still be seen: latency plus a generous scheduling margin. */
export const WINDOW_MS = MAX_LATENCY_MS + 250;

export interface MonitorReport {
  samples: number;
  peakServer: number;
  peakProxy: number;
  peakClosing: number;
  peakSize: number;
  /** Samples where a count broke its bound, described. */
  violations: string[];
}

export interface ConnectionMonitor {
  stop(): MonitorReport;
}

export function monitorConnections(
  pool: AsyncConnectionPool<any>, server: TestServer, proxy: FaultProxy, everyMs = 5,
): ConnectionMonitor {
  /** When the pool let go of a socket (close events and failed connects), oldest first. */
  const letGo: number[] = [];
  const onEnd = () => letGo.push(Date.now());
  pool.on('close', onEnd);
  pool.on('connectError', onEnd);
  const report: MonitorReport = { samples: 0, peakServer: 0, peakProxy: 0, peakClosing: 0, peakSize: 0, violations: [] };

  const sample = () => {
    const now = Date.now();
    while (letGo.length > 0 && letGo[0]! < now - WINDOW_MS) letGo.shift();
    const s = pool.stats();
    const serverConns = server.stats().connections;
    const proxyConns = proxy.stats().connections;
    report.samples++;
    report.peakServer = Math.max(report.peakServer, serverConns);
    report.peakProxy = Math.max(report.peakProxy, proxyConns);
    report.peakClosing = Math.max(report.peakClosing, s.closing + s.retiring);
    report.peakSize = Math.max(report.peakSize, s.size);
    // Retiring connections finish their work outside poolSize (they take no new work).
    const bound = s.poolSize + s.retiring + s.closing + letGo.length;
    const problems: string[] = [];
    if (s.size !== s.ready + s.leased + s.opening) problems.push('size != ready + leased + opening');
    if (s.size > s.poolSize) problems.push('size > poolSize');
    if (serverConns > bound) problems.push(`server sees ${serverConns} > bound ${bound}`);
    if (proxyConns > bound) problems.push(`proxy sees ${proxyConns} > bound ${bound}`);
    if (problems.length > 0 && report.violations.length < 20) {
      report.violations.push(`${problems.join(', ')} (${JSON.stringify(s)}, let go recently: ${letGo.length})`);
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      pool.off('close', onEnd);
      pool.off('connectError', onEnd);
      return report;
    },
  };
}
