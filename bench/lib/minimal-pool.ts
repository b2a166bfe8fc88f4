// The floor: the least a promise-based pool can do (a free list and a FIFO of resolvers),
// with no limits, timeouts, validation or events. A real pool pays for those; the benchmark
// shows how much.
export class MinimalPool<T> {
  private readonly free: T[];
  private readonly waiting: Array<(item: T) => void> = [];
  private head = 0;

  constructor(items: T[]) {
    this.free = items.slice();
  }

  acquire(): Promise<T> {
    const item = this.free.pop();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(item: T): void {
    if (this.head < this.waiting.length) {
      const resolve = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as never;
      // Compact now and then so the queue array does not grow forever.
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      resolve(item);
      return;
    }
    this.free.push(item);
  }
}
