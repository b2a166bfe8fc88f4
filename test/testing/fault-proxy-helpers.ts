// Helpers for the fault proxy's tests: bounded waits on events, an echo server, a recording
// client. Not a test file itself (no .test.ts), so importing it runs nothing.
import * as net from 'node:net';
import { once, type EventEmitter } from 'node:events';

/** Bounds a wait on an event; the bound is a safety net, not a measurement. */
export async function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

export const event = (e: EventEmitter, name: string): Promise<unknown[]> => within(once(e, name), name);
/** Waits for a socket's 'close', whatever error came first (once() would reject on 'error'). */
export const closeOf = (socket: net.Socket): Promise<unknown> =>
  socket.closed ? Promise.resolve() : within(new Promise((resolve) => socket.once('close', resolve)), 'close');
/** Lets sockets in this process run their pending reads before checking that nothing came. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

export interface Echo {
  server: net.Server;
  port: number;
  /** Sockets the echo server accepted, in order. */
  accepted: net.Socket[];
  close(): Promise<void>;
}

/** A TCP server that writes back every chunk it receives. */
export async function startEcho(): Promise<Echo> {
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    socket.on('data', (chunk) => socket.write(chunk));
  });
  server.listen(0, '127.0.0.1');
  await event(server, 'listening');
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    accepted,
    async close() {
      for (const s of accepted) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client socket that records what it receives, chunk by chunk. */
export class Client {
  readonly socket: net.Socket;
  readonly chunks: Buffer[] = [];
  error: NodeJS.ErrnoException | undefined;
  closed = false;
  constructor(port: number) {
    this.socket = net.connect({ port, host: '127.0.0.1' });
    this.socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.socket.on('error', (err) => (this.error = err));
    this.socket.on('close', () => (this.closed = true));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
  /** Waits until the text received so far is at least `length` characters long. */
  async received(length: number): Promise<string> {
    while (this.text().length < length) await event(this.socket, 'data');
    return this.text();
  }
  async closeEvent(): Promise<void> {
    await closeOf(this.socket);
  }
}
