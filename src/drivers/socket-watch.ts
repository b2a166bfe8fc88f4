// What the pool adds under a driver's socket, for both drivers: it counts reads (the
// heartbeat asks whether anything arrived), refuses a hostile SCRAM iteration count before
// the driver hashes with it (the official driver runs PBKDF2 synchronously: 5 000 000
// iterations froze the event loop for seconds), and, for the official driver, turns an
// exception thrown from the driver's data handler into a broken connection instead of an
// uncaught exception.
import type { Socket } from 'node:net';

/** Largest SCRAM iteration count accepted (real servers use 4 096). */
export const MAX_SCRAM_ITERATIONS = 1_000_000;

/** Handshake bytes inspected at most; past that the driver is left to fail on its own. */
const MAX_HANDSHAKE_BYTES = 64 * 1024;

/** What the watch learned about one socket. */
export interface SocketWatch {
  /** `data` events so far. */
  received: number;
  /** Why the watch destroyed the socket during the handshake, if it did. */
  refused?: Error;
}

/**
 * Wraps `socket.emit` so that every `data` event is counted and, until the server's SCRAM
 * first message has passed, inspected. With `contain`, an exception thrown by a `data`
 * listener destroys the socket with that error.
 */
export function watchSocket(socket: Socket, contain: boolean): SocketWatch {
  const watch: SocketWatch = { received: 0 };
  let handshake: Buffer | undefined = Buffer.alloc(0);
  let messages = 0;
  const emit = socket.emit as (this: Socket, event: string | symbol, ...args: unknown[]) => boolean;
  socket.emit = function watchedEmit(this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data') return emit.call(this, event, ...args);
    watch.received++;
    if (handshake !== undefined) {
      const refusal = inspect(args[0]);
      if (refusal) {
        watch.refused = refusal;
        this.destroy(refusal);
        return true;
      }
    }
    if (!contain) return emit.call(this, event, ...args);
    try {
      return emit.call(this, event, ...args);
    } catch (err) {
      this.destroy(err instanceof Error ? err : new Error(String(err)));
      return true;
    }
  } as typeof socket.emit;

  /** Reads the NUL-terminated handshake messages; an error if the iteration count is hostile. */
  function inspect(chunk: unknown): Error | undefined {
    if (!Buffer.isBuffer(chunk) || handshake === undefined) return undefined;
    handshake = Buffer.concat([handshake, chunk]);
    for (let end = handshake.indexOf(0); end >= 0; end = handshake.indexOf(0)) {
      const text = handshake.subarray(0, end).toString('utf8');
      handshake = handshake.subarray(end + 1);
      messages++;
      const iterations = scramIterations(text);
      if (iterations !== undefined && iterations > MAX_SCRAM_ITERATIONS) {
        handshake = undefined;
        return new Error(
          `the server asked for ${iterations} SCRAM iterations; more than ${MAX_SCRAM_ITERATIONS} is refused ` +
            '(real servers use 4096), as hashing them would block the process',
        );
      }
      // The version answer, then the SCRAM first message: nothing later needs a look.
      if (messages >= 2) {
        handshake = undefined;
        return undefined;
      }
    }
    if (handshake.length > MAX_HANDSHAKE_BYTES) handshake = undefined;
    return undefined;
  }
  return watch;
}

/** The `i=` of a SCRAM server-first message inside a handshake message, if there is one. */
function scramIterations(text: string): number | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  const auth = (message as { authentication?: unknown } | null)?.authentication;
  if (typeof auth !== 'string') return undefined;
  for (const part of auth.split(',')) {
    if (part.startsWith('i=')) {
      const n = Number(part.slice(2));
      return Number.isFinite(n) ? n : undefined;
    }
  }
  return undefined;
}

/** Sockets corked until the end of the current tick. */
const corked = new Set<Socket>();

/**
 * Corks `socket` until the end of the tick, so that the queries sent in this tick leave in
 * one write (the official driver makes three writes per query, each a system call). The
 * uncork always comes (process.nextTick), before any I/O, so nothing waits longer.
 */
export function corkForTick(socket: Socket): void {
  if (corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(uncork, socket);
}

function uncork(socket: Socket): void {
  corked.delete(socket);
  socket.uncork();
}
