// One direction of a proxied connection: chunks from one socket, written to the other.
//
// Each chunk received is written with exactly one write(), never split or joined with its
// neighbours: the official `rethinkdb` driver loses bytes when a handshake message from the
// server arrives cut across TCP reads (PROTOCOL-DETAILS.md 1.7). With latency, every chunk is
// held as a unit and delivered in arrival order.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** The marker for "the source closed cleanly": end the destination after what came before. */
const END = Symbol('end');

interface Held {
  readonly data: Buffer | typeof END;
  readonly due: number;
}

export class Lane {
  private queue: Held[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Due time of the last chunk queued: a later chunk is never due before it (order). */
  private lastDue = 0;
  private ended = false;
  private waitingForDrain = false;

  /**
   * @param from the socket the chunks come from (paused while `to` is backed up)
   * @param to the socket they go to; while it is still connecting, chunks wait in the queue
   * @param counted called with the byte count of every chunk written to `to`
   */
  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly counted: (bytes: number) => void,
  ) {}

  /** Queues a chunk to be written `latencyMs` from now (or at once when nothing waits). */
  push(chunk: Buffer, latencyMs: number): void {
    this.enqueue(chunk, latencyMs);
  }

  /** Ends the destination once every chunk queued before this call has been written. */
  end(latencyMs: number): void {
    if (this.ended) return;
    this.ended = true;
    this.enqueue(END, latencyMs);
  }

  /** Drops every held chunk (and a pending end) and its timer. */
  clear(): void {
    this.queue = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes whatever is due; called by the timer and when `to` finishes connecting. */
  flush(): void {
    if (this.to.connecting) return; // the 'connect' listener calls flush again
    const now = performance.now();
    // Timers may fire a fraction of a millisecond early against performance.now().
    while (this.queue.length > 0 && this.queue[0]!.due <= now + 1) {
      this.write(this.queue.shift()!.data);
    }
    this.schedule();
  }

  private enqueue(data: Buffer | typeof END, latencyMs: number): void {
    const now = performance.now();
    const due = Math.max(now + latencyMs, this.lastDue);
    this.lastDue = due;
    if (this.queue.length === 0 && due <= now && !this.to.connecting) {
      this.write(data);
      return;
    }
    this.queue.push({ data, due });
    this.schedule();
  }

  private schedule(): void {
    const head = this.queue[0];
    if (head === undefined || this.timer !== undefined || this.to.connecting) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, Math.max(0, head.due - performance.now()));
    // The sockets keep the process alive while they matter; a delivery timer never should.
    this.timer.unref();
  }

  private write(data: Buffer | typeof END): void {
    const to = this.to;
    if (to.destroyed || to.writableEnded) return;
    if (data === END) {
      // end() then destroy once flushed: the peer may never send its own FIN back.
      to.end(() => to.destroy());
      return;
    }
    this.counted(data.length);
    if (!to.write(data) && !this.waitingForDrain) {
      // Backpressure: stop reading the source until the destination drains.
      this.waitingForDrain = true;
      this.from.pause();
      to.once('drain', () => {
        this.waitingForDrain = false;
        if (!this.from.destroyed) this.from.resume();
      });
    }
  }
}
