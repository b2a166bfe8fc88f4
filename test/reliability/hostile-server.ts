// A hostile RethinkDB server for the reliability tests (not a test file). It speaks the real
// V1_0 handshake (the project's Handshake/SCRAM code, so both drivers get past it), then
// answers each query frame with a scripted reply: correct, garbage, truncated, silent, a
// close... `heal()` makes every connection answer correctly from then on, except those
// left mute after a partial frame (their client may still wait for the rest of it), so a
// test can check that a pool drops what is poisoned and recovers once the server behaves.
import { createServer, type Server, type Socket } from 'node:net';
import { Handshake, type UserDirectory } from '../../src/testing/server/handshake.js';
import { deriveCredentials, saltPassword } from '../../src/testing/server/scram.js';
import { FrameReader, encodeFrame } from '../../src/testing/server/framing.js';

/** How the handshake goes. Anything but 'ok' leaves the client to its connect timeout. */
export type HandshakeMode = 'ok' | 'silent' | 'version-then-silent' | 'close-after-magic';

/** One scripted answer to one query frame (pings included). */
export type Reply =
  | { readonly kind: 'ok' }
  /** A well-formed frame around this text (valid JSON of a wrong shape, or not JSON at all). */
  | { readonly kind: 'frame'; readonly text: string; readonly token: 'same' | 'other' }
  /** The length prefix is off by `delta` bytes (never 0). */
  | { readonly kind: 'wrong-length'; readonly text: string; readonly delta: number }
  /** The header announces the whole body, only `keep` bytes of it follow. */
  | { readonly kind: 'truncated'; readonly text: string; readonly keep: number }
  /** A length prefix near 4 GiB, then nothing. */
  | { readonly kind: 'huge-length' }
  | { readonly kind: 'silence' }
  /** Half-close (FIN). */
  | { readonly kind: 'close' }
  /** Destroy (RST when data is unread). */
  | { readonly kind: 'reset' };

export interface Script {
  readonly handshake: HandshakeMode;
  /** Reply n answers the connection's n-th query frame, cycling. Empty = always 'ok'. */
  readonly replies: readonly Reply[];
  /** > 0: every reply is written one byte at a time, this many ms apart. */
  readonly dribbleMs: number;
}

export const HEALTHY: Script = Object.freeze({ handshake: 'ok', replies: [], dribbleMs: 0 });

/** Replies after which the client may hold a partial frame: the server then goes mute. */
const STALLING = new Set<Reply['kind']>(['wrong-length', 'truncated', 'huge-length']);

export interface HostileServer {
  readonly host: string;
  readonly port: number;
  /** The script of connections accepted from now on. */
  script: Script;
  /** Every connection behaves from now on, except the mute ones (see STALLING). */
  heal(): void;
  /** Sockets accepted / open now / open and mute after a stalling reply / stalled ever / handshakes done. */
  counts(): { accepted: number; open: number; openStalled: number; stalls: number; handshakes: number };
  /** Handshake bytes clients sent (magic stripped): client-first and client-final JSON. */
  transcript(): readonly string[];
  stop(): Promise<void>;
}

export const USER = 'bob';
export const PASSWORD = 'secret';
/** One PBKDF2 per password and process, not per server. */
const directories = new Map<string, UserDirectory>();

/** The user's SCRAM SaltedPassword (a password equivalent) for `password` on these servers. */
export function saltedPassword(password: string = PASSWORD): Buffer {
  const creds = directoryFor(password).get(USER)!;
  return saltPassword(password, creds.salt, creds.iterations);
}

function directoryFor(password: string): UserDirectory {
  let directory = directories.get(password);
  if (!directory) {
    directory = new Map([[USER, deriveCredentials(password)]]);
    directories.set(password, directory);
  }
  return directory;
}

/** `password` is the one the server expects from USER. */
export async function startHostileServer(script: Script = HEALTHY, password: string = PASSWORD): Promise<HostileServer> {
  const directory = directoryFor(password);
  const transcript: string[] = [];
  const sockets = new Set<Socket>();
  const stalled = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let accepted = 0;
  let handshakes = 0;
  let stalls = 0;

  /** Per connection: its script, and whether it is draining or mute (heal() leaves those mute). */
  const live = new Set<{ s: Script; draining: boolean; mute: boolean; socket: Socket }>();

  const onConnection = (socket: Socket, script: Script) => {
    const state = { s: script, draining: false, mute: false, socket };
    live.add(state);
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {}); // resets are expected here
    socket.on('close', () => {
      live.delete(state);
      sockets.delete(socket);
      stalled.delete(socket);
    });
    // Writes go through one queue so a dribbled reply keeps its place before the next one.
    const queue: Buffer[] = [];
    const pump = () => {
      if (socket.destroyed) {
        queue.length = 0;
        return;
      }
      const next = queue[0];
      if (next === undefined) {
        state.draining = false;
        return;
      }
      if (next.length === 0) {
        queue.shift(); // a marker: close after everything before it went out
        socket.end();
        return pump();
      }
      socket.write(next.subarray(0, 1));
      if (next.length === 1) queue.shift();
      else queue[0] = next.subarray(1);
      const t = setTimeout(() => {
        timers.delete(t);
        pump();
      }, state.s.dribbleMs);
      timers.add(t);
    };
    const write = (bytes: Buffer) => {
      if (state.s.dribbleMs <= 0 && !state.draining) return void socket.write(bytes);
      queue.push(bytes);
      if (!state.draining) {
        state.draining = true;
        pump();
      }
    };
    const end = () => {
      if (!state.draining) return void socket.end();
      queue.push(Buffer.alloc(0));
    };

    let sent = 0;
    const handshake = new Handshake(directory, {
      // Handshake messages always go in one write: the official driver cannot re-frame them.
      send: (m) => {
        if (state.s.handshake === 'ok' || (state.s.handshake === 'version-then-silent' && sent++ === 0)) socket.write(m);
      },
      fail: (m) => {
        socket.end(m);
      },
    });
    const frames = new FrameReader();
    let queries = 0;
    const answer = (token: number, body: Buffer) => {
      if (state.mute) return;
      const { replies } = state.s;
      const reply = replies.length === 0 ? OK : replies[queries % replies.length]!;
      queries++;
      if (STALLING.has(reply.kind)) {
        state.mute = true;
        stalled.add(socket);
        stalls++;
      }
      switch (reply.kind) {
        case 'ok': return write(encodeFrame(token, okAnswer(body)));
        case 'frame': return write(encodeFrame(reply.token === 'same' ? token : token + 1000, reply.text));
        case 'wrong-length': {
          const frame = encodeFrame(token, reply.text);
          frame.writeUInt32LE(Math.max(0, frame.readUInt32LE(8) + reply.delta), 8);
          return write(frame);
        }
        case 'truncated': {
          const frame = encodeFrame(token, reply.text);
          return write(frame.subarray(0, 12 + Math.min(reply.keep, frame.length - 13)));
        }
        case 'huge-length': {
          const header = Buffer.alloc(12);
          header.writeUInt32LE(token, 0);
          header.writeUInt32LE(0xfffffff0, 8);
          return write(header);
        }
        case 'silence': return;
        case 'close':
          state.mute = true;
          return end();
        case 'reset': return void socket.resetAndDestroy();
      }
    };
    let inHandshake = true;
    socket.on('data', (chunk: Buffer) => {
      if (inHandshake) {
        if (state.s.handshake === 'close-after-magic') return void socket.end();
        transcript.push(chunk.toString('latin1'));
        const progress = handshake.feed(chunk);
        if (!progress.done) return;
        inHandshake = false;
        handshakes++;
        chunk = progress.rest;
      }
      frames.push(chunk, answer);
    });
  };

  const server: Server = createServer((socket) => onConnection(socket, api.script));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const api: HostileServer = {
    host: '127.0.0.1',
    port: address.port,
    script,
    heal() {
      api.script = HEALTHY;
      for (const state of live) {
        // A reply still being dribbled was sent before the heal: the rest of it still goes
        // out, and the connection answers nothing more (as after a partial frame).
        if (state.draining && !state.mute) {
          state.mute = true;
          stalled.add(state.socket);
          stalls++;
        }
        state.s = HEALTHY;
      }
    },
    transcript: () => transcript,
    counts: () => ({ accepted, open: sockets.size, openStalled: stalled.size, stalls, handshakes }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return api;
}

const OK: Reply = { kind: 'ok' };
const SERVER_INFO = JSON.stringify({ t: 5, r: [{ id: '00000000-0000-4000-8000-000000000000', name: 'hostile', proxy: false }] });

/** The right answer to the few queries the tests send: SERVER_INFO, r.expr(datum), STOP, NOREPLY_WAIT. */
function okAnswer(body: Buffer): string {
  let query: unknown;
  try {
    query = JSON.parse(body.toString('utf8'));
  } catch {
    return '{"t":16,"r":["Client is buggy (failed to deserialize query)."],"b":[]}';
  }
  const [type, term] = Array.isArray(query) ? query : [];
  if (type === 5) return SERVER_INFO;
  if (type === 4) return '{"t":4,"r":[]}';
  if (type === 3) return '{"t":2,"r":[],"n":[]}';
  if (type === 1 && (typeof term === 'number' || typeof term === 'string')) return JSON.stringify({ t: 1, r: [term] });
  return '{"t":17,"r":["The hostile server only evaluates r.expr(datum)."],"b":[]}';
}
