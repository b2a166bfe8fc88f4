// A raw-socket RethinkDB client for protocol tests: it does the V1_0 handshake with our own
// SCRAM arithmetic and lets a test write any bytes and read frames by token.
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { authMessage, clientProof, saltPassword } from '../../src/testing/server/scram.js';
import { Version } from '../../src/testing/server/protocol.js';

export interface Response {
  t: number;
  r: unknown[];
  e?: number;
  b?: unknown[];
  n?: unknown[];
  p?: unknown;
}

export function magic(version: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(version, 0);
  return out;
}

export function frame(token: number, json: string): Buffer {
  const body = Buffer.from(json);
  const head = Buffer.alloc(12);
  head.writeUInt32LE(token >>> 0, 0);
  head.writeUInt32LE(Math.floor(token / 2 ** 32), 4);
  head.writeUInt32LE(body.length, 8);
  return Buffer.concat([head, body]);
}

/** Opens a TCP socket and resolves once connected. */
export async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

/** Everything the server sends until it closes the connection. */
export async function readToClose(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {});
  if (!socket.destroyed) await once(socket, 'close');
  return Buffer.concat(chunks);
}

/** Reads NUL-terminated handshake messages from a socket. */
export class MessageReader {
  private buf = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => {});
  }
  async next(): Promise<string> {
    for (;;) {
      const nul = this.buf.indexOf(0);
      if (nul >= 0) {
        const text = this.buf.toString('utf8', 0, nul);
        this.buf = this.buf.subarray(nul + 1);
        return text;
      }
      if (this.closed) throw new Error('connection closed before a handshake message');
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }
  /** Bytes received after the handshake, handed over to the frame reader. */
  rest(): Buffer {
    return this.buf;
  }
}

export class RawClient {
  private buf: Buffer;
  private readonly frames = new Map<number, Response[]>();
  private readonly waiters = new Map<number, (r: Response) => void>();
  /** Every frame in arrival order. */
  readonly arrivals: Array<{ token: number; body: string }> = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket, rest: Buffer) {
    this.buf = rest;
    this.closed = once(socket, 'close').then(() => undefined);
    socket.removeAllListeners('data');
    socket.on('data', (c: Buffer) => this.onData(c));
    if (rest.length > 0) this.onData(Buffer.alloc(0));
  }

  /** Connects and authenticates; rejects with the server's error JSON on refusal. */
  static async connect(port: number, user = 'admin', password = ''): Promise<RawClient> {
    const socket = await openSocket(port);
    const reader = new MessageReader(socket);
    const cnonce = Buffer.alloc(18, 7).toString('base64');
    const bare = `n=${user},r=${cnonce}`;
    const first = JSON.stringify({ protocol_version: 0, authentication_method: 'SCRAM-SHA-256', authentication: `n,,${bare}` });
    socket.write(Buffer.concat([magic(Version.V1_0), Buffer.from(`${first}\0`)]));
    const version = JSON.parse(await reader.next()) as { success: boolean };
    if (!version.success) throw new Error('version refused');
    const challenge = JSON.parse(await reader.next()) as { authentication: string };
    const serverFirst = challenge.authentication;
    const fields = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
    const withoutProof = `c=biws,r=${fields.r}`;
    const signed = authMessage(bare, serverFirst, withoutProof);
    const salted = saltPassword(password, Buffer.from(String(fields.s), 'base64'), Number(fields.i));
    const final = JSON.stringify({ authentication: `${withoutProof},p=${clientProof(salted, signed)}` });
    socket.write(`${final}\0`);
    const reply = await reader.next();
    const parsed = JSON.parse(reply) as { success: boolean };
    if (!parsed.success) {
      socket.destroy();
      throw new Error(reply);
    }
    return new RawClient(socket, reader.rest());
  }

  send(token: number, json: string): void {
    this.socket.write(frame(token, json));
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** The next response for `token` (resolves at once if one already arrived). */
  response(token: number): Promise<Response> {
    const queued = this.frames.get(token);
    const first = queued?.shift();
    if (first) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      this.waiters.set(token, resolve);
      this.closed.then(() => reject(new Error(`connection closed while waiting for token ${token}`)), () => {});
    });
  }

  /** Sends a query and waits for its answer. */
  async ask(token: number, json: string): Promise<Response> {
    const answer = this.response(token);
    this.send(token, json);
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 12) {
      const size = this.buf.readUInt32LE(8);
      if (this.buf.length < 12 + size) break;
      const token = this.buf.readUInt32LE(0) + this.buf.readUInt32LE(4) * 2 ** 32;
      const body = this.buf.toString('utf8', 12, 12 + size);
      this.buf = this.buf.subarray(12 + size);
      this.arrivals.push({ token, body });
      const response = JSON.parse(body) as Response;
      const waiter = this.waiters.get(token);
      if (waiter) {
        this.waiters.delete(token);
        waiter(response);
      } else {
        const list = this.frames.get(token) ?? [];
        list.push(response);
        this.frames.set(token, list);
      }
    }
  }
}
