import { ProtocolError } from './errors';

/** Java's default (com.rocketmq.remoting.frameMaxLength), compared with the length prefix + 4. */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

/**
 * Turns socket chunks into whole frames. A frame that lies inside one chunk is handed out as a view of that chunk;
 * only a frame split across chunks is copied, once, into a buffer of exactly its size when its last byte arrives
 * (until then we hold views of the chunks, so a peer that announces 16 MiB and sends little costs little). The
 * length is checked as soon as its 4 bytes arrive, so a 100 MiB prefix fails at once.
 */
export class FrameDecoder {
  private readonly prefix = Buffer.alloc(4);
  private prefixFilled = 0;
  /** Size of the split frame being collected (0: none), and the pieces collected so far. */
  private pendingSize = 0;
  private pendingParts: Buffer[] = [];
  private pendingFilled = 0;

  constructor(private readonly maxFrameLength = DEFAULT_MAX_FRAME_LENGTH) {}

  /** True while a partial frame is buffered. */
  get buffering(): boolean {
    return this.prefixFilled > 0 || this.pendingSize > 0;
  }

  private frameSize(total: number): number {
    if (total < 4) {
      throw new ProtocolError('TSMQ_ERR_FRAME_TOO_SHORT', `frame length ${total} is below the 4-byte header length word`);
    }
    if (total + 4 > this.maxFrameLength) {
      throw new ProtocolError('TSMQ_ERR_FRAME_TOO_LARGE', `frame length ${total} + 4 exceeds the limit of ${this.maxFrameLength} bytes`);
    }
    return total + 4;
  }

  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let pos = this.buffering ? this.continuePending(chunk, onFrame) : 0;
    const len = chunk.length;
    while (pos < len) {
      if (len - pos < 4) {
        chunk.copy(this.prefix, 0, pos, len);
        this.prefixFilled = len - pos;
        return;
      }
      const size = this.frameSize(chunk.readInt32BE(pos));
      if (len - pos >= size) {
        onFrame(chunk.subarray(pos, pos + size));
        pos += size;
      } else {
        this.pendingSize = size;
        this.pendingParts.push(chunk.subarray(pos));
        this.pendingFilled = len - pos;
        return;
      }
    }
  }

  /** Completes the prefix and/or the frame left over from earlier chunks; returns how much of `chunk` it used. */
  private continuePending(chunk: Buffer, onFrame: (frame: Buffer) => void): number {
    let pos = 0;
    if (this.pendingSize === 0) {
      const take = Math.min(4 - this.prefixFilled, chunk.length);
      chunk.copy(this.prefix, this.prefixFilled, 0, take);
      this.prefixFilled += take;
      pos = take;
      if (this.prefixFilled < 4) return pos;
      this.pendingSize = this.frameSize(this.prefix.readInt32BE(0));
      this.prefixFilled = 0;
      this.pendingParts.push(Buffer.from(this.prefix));
      this.pendingFilled = 4;
    }
    const take = Math.min(this.pendingSize - this.pendingFilled, chunk.length - pos);
    if (take > 0) {
      this.pendingParts.push(chunk.subarray(pos, pos + take));
      this.pendingFilled += take;
      pos += take;
    }
    if (this.pendingFilled === this.pendingSize) {
      const frame = Buffer.allocUnsafe(this.pendingSize);
      let at = 0;
      for (const p of this.pendingParts) at += p.copy(frame, at);
      this.pendingParts = [];
      this.pendingSize = 0;
      this.pendingFilled = 0;
      onFrame(frame);
    }
    return pos;
  }
}
