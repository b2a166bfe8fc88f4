// One client socket from accept to close: the handshake, then the query session. Every byte
// the server sends goes through an ordered outbox so that pause(), resume() and setLatency()
// hold or delay answers without ever reordering them, and answers produced by one incoming
// chunk leave in a single write. The mode (setMode) decides whether input is answered at all:
// a silent connection drops its handshake, a zombie one its queries.
import type { Socket } from 'node:net';
import { FrameReader, MAX_QUERY_SIZE, encodeFrame } from './framing.js';
import type { TestServerMode } from './handle.js';
import { Handshake, type UserDirectory } from './handshake.js';
import { clientError, errorResponse } from './reql/errors.js';
import type { EvalContext } from './reql/types.js';
import { Session, type QueryCounters } from './session.js';

export interface ServerCounters extends QueryCounters {
  /** Handshakes completed. */
  handshakes: number;
  /** Connections whose handshake went unanswered in silent mode (each counted once). */
  ignoredHandshakes: number;
  /** Query frames read and never answered in zombie mode. */
  ignoredQueries: number;
}

export interface ConnectionSettings {
  readonly users: UserDirectory;
  readonly ctx: EvalContext;
  readonly counters: ServerCounters;
  readonly paused: boolean;
  readonly latencyMs: number;
  readonly mode: TestServerMode;
}

interface Delayed {
  readonly bytes: Buffer;
  readonly due: number;
  /** Half-close the socket after these bytes (a refused handshake, an oversized query). */
  readonly end: boolean;
}

/** After we half-close, a client that never closes its side is cut off after this long. */
const LINGER_MS = 5000;

function writeAll(socket: Socket, parts: Buffer[]): void {
  if (parts.length === 1) socket.write(parts[0] as Buffer);
  else if (parts.length > 1) socket.write(Buffer.concat(parts));
}

export class ClientConnection {
  private handshake: Handshake | undefined;
  private session: Session | undefined;
  private readonly reader = new FrameReader();
  private paused: boolean;
  private latencyMs: number;
  private mode: TestServerMode;
  /** Handshake bytes were dropped in silent mode: this connection can never complete it. */
  private silenced = false;
  private pendingInput: Buffer[] = [];
  private delayed: Delayed[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** Answers produced while one chunk is processed; written together. */
  private batch: Buffer[] | undefined;
  /** No more input is read: the server decided to close. */
  private closing = false;
  private ended = false;

  constructor(
    readonly socket: Socket,
    private readonly settings: ConnectionSettings,
    private readonly onClosed: (conn: ClientConnection) => void,
  ) {
    this.paused = settings.paused;
    this.latencyMs = settings.latencyMs;
    this.mode = settings.mode;
    this.handshake = new Handshake(settings.users, {
      send: (bytes) => this.emit(bytes, false),
      fail: (bytes) => this.emit(bytes, true),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A reset or a write to a vanished client: 'close' follows, which is all we care about.
    socket.on('error', () => {});
    socket.on('close', () => this.dispose());
  }

  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  /** Sends what was held (in order), then handles the input that arrived meanwhile. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.schedule();
    const input = this.pendingInput;
    this.pendingInput = [];
    for (const chunk of input) {
      if (this.closing || this.socket.destroyed) break;
      this.process(chunk);
    }
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Applies to the input read from now on; what was already answered (or held) still goes. */
  setMode(mode: TestServerMode): void {
    this.mode = mode;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    if (this.paused) this.pendingInput.push(chunk);
    else this.process(chunk);
  }

  private process(chunk: Buffer): void {
    const batch: Buffer[] = [];
    this.batch = batch;
    try {
      if (this.session) this.feedFrames(chunk);
      else this.feedHandshake(chunk);
    } finally {
      this.batch = undefined;
      if (!this.ended) writeAll(this.socket, batch);
    }
    // A client that sends but never reads must not make us buffer answers without bound:
    // stop reading from it until it has taken what we wrote.
    if (this.socket.writableNeedDrain && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once('drain', () => this.socket.resume());
    }
  }

  private feedHandshake(chunk: Buffer): void {
    if (this.silenced || this.mode === 'silent') {
      if (!this.silenced) this.settings.counters.ignoredHandshakes++;
      this.silenced = true;
      return;
    }
    const progress = this.handshake?.feed(chunk);
    if (!progress?.done) return;
    this.handshake = undefined;
    this.settings.counters.handshakes++;
    this.session = new Session(this.settings.ctx, (bytes) => this.emit(bytes, false), this.settings.counters);
    if (progress.rest.length > 0) this.feedFrames(progress.rest);
  }

  private feedFrames(chunk: Buffer): void {
    const session = this.session as Session;
    const { counters } = this.settings;
    const tooBig = this.reader.push(chunk, (token, body) => {
      // Parsed in every mode, so that the stream is still in step when the mode is normal again.
      if (this.mode === 'zombie') counters.ignoredQueries++;
      else session.handleFrame(token, body);
    });
    if (!tooBig) return;
    if (this.mode === 'zombie') {
      // A zombie says nothing, not even a refusal: stop reading, keep the socket open.
      this.closing = true;
      return;
    }
    // The real server refuses the query and closes the connection; we never buffer the body.
    const message = `Query size (${tooBig.size}) greater than maximum (${MAX_QUERY_SIZE}).`;
    this.emit(encodeFrame(tooBig.token, errorResponse(clientError(message))), true);
  }

  /** Queues bytes for the client, in order; `end` half-closes after them. */
  private emit(bytes: Buffer, end: boolean): void {
    if (this.ended || this.socket.destroyed) return;
    if (end) {
      this.closing = true;
      this.pendingInput = [];
    }
    if (!this.paused && this.latencyMs === 0 && this.delayed.length === 0) {
      if (this.batch) this.batch.push(bytes);
      else this.socket.write(bytes);
      if (end) this.finish();
      return;
    }
    this.delayed.push({ bytes, due: performance.now() + this.latencyMs, end });
    this.schedule();
  }

  /** Writes whatever is batched, then half-closes. */
  private finish(): void {
    if (this.batch) {
      writeAll(this.socket, this.batch);
      this.batch.length = 0;
    }
    this.ended = true;
    this.delayed = [];
    this.clearTimer();
    this.socket.end();
    this.lingerTimer = setTimeout(() => this.socket.destroy(), LINGER_MS);
    this.lingerTimer.unref();
  }

  private schedule(): void {
    if (this.paused || this.timer || this.ended) return;
    const head = this.delayed[0];
    if (!head) return;
    const wait = head.due - performance.now();
    if (wait <= 0) {
      this.releaseDue();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.releaseDue();
    }, Math.ceil(wait));
  }

  /** Writes every held answer whose time has come, in one write. */
  private releaseDue(): void {
    // Timers may fire up to a millisecond early against performance.now().
    const now = performance.now() + 1;
    const out: Buffer[] = [];
    while (this.delayed.length > 0 && (this.delayed[0] as Delayed).due <= now) {
      const item = this.delayed.shift() as Delayed;
      out.push(item.bytes);
      if (item.end) {
        this.write(out);
        this.finish();
        return;
      }
    }
    this.write(out);
    this.schedule();
  }

  /** Joins the current batch if a chunk is being processed, else writes at once. */
  private write(parts: Buffer[]): void {
    if (this.batch) this.batch.push(...parts);
    else writeAll(this.socket, parts);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dispose(): void {
    this.clearTimer();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.closing = true;
    this.delayed = [];
    this.pendingInput = [];
    this.session?.close();
    this.onClosed(this);
  }
}
