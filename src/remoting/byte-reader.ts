import { ProtocolError } from './errors';

/**
 * A cursor over a buffer view. Every read is bounds-checked against `end`, and running past it is a ProtocolError:
 * a truncated header is the peer's fault, never ours, and must close only that connection.
 */
export class ByteReader {
  private pos: number;
  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): number {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', `${what} of ${n} bytes at offset ${this.pos} runs past the end (${this.end})`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1, 'int8'));
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2, 'int16'));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4, 'int32'));
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8, 'int64'));
  }

  /** UTF-8 text of `len` bytes. */
  utf8(len: number, what = 'string'): string {
    const at = this.need(len, what);
    return this.buf.toString('utf8', at, at + len);
  }

  /** A view (no copy) of the next `len` bytes. */
  view(len: number): Buffer {
    const at = this.need(len, 'bytes');
    return this.buf.subarray(at, at + len);
  }
}
