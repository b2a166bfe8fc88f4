// An in-memory Connector: connections are plain objects, so a benchmark through it measures
// the pool's own bookkeeping and nothing else (no socket, no driver).
import type { Connector } from '../../src/index.js';

export interface MemoryConnection {
  readonly id: number;
  open: boolean;
  onClose?: () => void;
}

export function memoryConnector(): Connector<MemoryConnection, unknown> {
  let next = 0;
  return {
    async connect() {
      return { id: ++next, open: true };
    },
    async close(conn) {
      conn.open = false;
      conn.onClose?.();
    },
    isOpen(conn) {
      return conn.open;
    },
    async ping() {},
    onClose(conn, listener) {
      conn.onClose = listener;
    },
  };
}
