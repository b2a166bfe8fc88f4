// Query frames: an 8-byte little-endian token, a 4-byte little-endian length, then that many
// bytes of JSON. The official driver writes token, length and body as three separate writes,
// so a frame routinely arrives in pieces; responses go out as one buffer (one write) each.

/** Largest query body the real server accepts (128 MiB - 1): anything longer is refused. */
export const MAX_QUERY_SIZE = 128 * 1024 * 1024 - 1;

const HEADER_SIZE = 12;
const TWO_POW_32 = 2 ** 32;

/** What a frame reader reports when the client announces a body it will not buffer. */
export interface OversizedFrame {
  readonly token: number;
  readonly size: number;
}

/** Called once per complete frame; `body` is only valid during the call (it may be a view). */
export type FrameHandler = (token: number, body: Buffer) => void;

/**
 * Incremental frame reader. Chunks are kept as a list until enough bytes for the next step
 * (header or whole frame) have arrived, so a large body arriving in many chunks is copied
 * once, not once per chunk.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before parsing can make progress again. */
  private needed = HEADER_SIZE;

  /**
   * Feeds one chunk and calls `onFrame` for every complete frame in order. Returns the
   * oversized frame if one was announced: the caller must answer and close, and must not
   * push more data.
   */
  push(chunk: Buffer, onFrame: FrameHandler): OversizedFrame | undefined {
    this.buffered += chunk.length;
    if (this.buffered < this.needed) {
      this.chunks.push(chunk);
      return undefined;
    }
    let buf: Buffer;
    if (this.chunks.length === 0) {
      buf = chunk;
    } else {
      this.chunks.push(chunk);
      buf = Buffer.concat(this.chunks, this.buffered);
    }
    this.chunks = [];
    let offset = 0;
    const end = buf.length;
    this.needed = HEADER_SIZE;
    while (end - offset >= HEADER_SIZE) {
      const token = buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * TWO_POW_32;
      const size = buf.readUInt32LE(offset + 8);
      if (size > MAX_QUERY_SIZE) {
        this.buffered = 0;
        return { token, size };
      }
      const frameEnd = offset + HEADER_SIZE + size;
      if (frameEnd > end) {
        this.needed = HEADER_SIZE + size;
        break;
      }
      onFrame(token, buf.subarray(offset + HEADER_SIZE, frameEnd));
      offset = frameEnd;
    }
    this.buffered = end - offset;
    // Copy the remainder so a small leftover does not pin a large chunk in memory.
    if (this.buffered > 0) this.chunks.push(Buffer.from(buf.subarray(offset)));
    return undefined;
  }
}

/** One response frame (header and JSON body) in a single buffer, ready for one write. */
export function encodeFrame(token: number, json: string): Buffer {
  const size = Buffer.byteLength(json);
  const out = Buffer.allocUnsafe(HEADER_SIZE + size);
  out.writeUInt32LE(token >>> 0, 0);
  out.writeUInt32LE(Math.floor(token / TWO_POW_32) >>> 0, 4);
  out.writeUInt32LE(size, 8);
  out.write(json, HEADER_SIZE, size, 'utf8');
  return out;
}
