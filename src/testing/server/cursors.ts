// Open streams of one connection, by token. A stream's rows are answered in batches like the
// real server's (125 rows first, then 500 per batch): SUCCESS_PARTIAL while rows remain, the
// last batch SUCCESS_SEQUENCE.
import { ResponseType } from './protocol.js';

/** The real server scales its first batch down (1/4 of the usual 500 rows). */
export const FIRST_BATCH_ROWS = 125;
export const BATCH_ROWS = 500;

interface OpenStream {
  readonly rows: readonly unknown[];
  next: number;
}

export class CursorCache {
  private readonly open = new Map<number, OpenStream>();

  /** True while a stream under this token still has rows to give. */
  has(token: number): boolean {
    return this.open.has(token);
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * The response body of the first batch. The stream stays open only if rows remain.
   * `extra` is inserted before `"n"` (the profile, `"p":[],`).
   */
  start(token: number, rows: readonly unknown[], extra = ''): string {
    const stream: OpenStream = { rows, next: 0 };
    const body = this.batch(stream, FIRST_BATCH_ROWS, extra);
    if (stream.next < rows.length) this.open.set(token, stream);
    return body;
  }

  /** The next batch's body, or undefined if no stream is open under this token. */
  continue(token: number): string | undefined {
    const stream = this.open.get(token);
    if (!stream) return undefined;
    const body = this.batch(stream, BATCH_ROWS, '');
    if (stream.next >= stream.rows.length) this.open.delete(token);
    return body;
  }

  /** Forgets a stream; false if none was open under this token. */
  stop(token: number): boolean {
    return this.open.delete(token);
  }

  clear(): void {
    this.open.clear();
  }

  private batch(stream: OpenStream, limit: number, extra: string): string {
    const from = stream.next;
    const to = Math.min(stream.rows.length, from + limit);
    stream.next = to;
    const type = to < stream.rows.length ? ResponseType.SUCCESS_PARTIAL : ResponseType.SUCCESS_SEQUENCE;
    return `{"t":${type},"r":${JSON.stringify(stream.rows.slice(from, to))},${extra}"n":[]}`;
  }
}
