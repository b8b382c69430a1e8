import net from 'node:net';
import { decodeCommand } from '../command-codec';
import { FrameDecoder } from '../frame-decoder';
import type { RemotingCommand } from '../remoting-command';

/**
 * A bare TCP client for tests: writes any bytes, collects decoded response frames, and notices when the server
 * closes the connection.
 */
export class RawClient {
  readonly received: RemotingCommand[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk, (f) => this.received.push(decodeCommand(Buffer.from(f))));
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  write(b: Buffer): void {
    this.socket.write(b);
  }

  /** Resolves when `cond` holds, or rejects after `ms`. */
  async until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async response(opaque: number, ms = 3000): Promise<RemotingCommand> {
    await this.until(() => this.received.some((c) => c.opaque === opaque), ms, `response to opaque ${opaque}`);
    return this.received.find((c) => c.opaque === opaque)!;
  }

  close(): void {
    this.socket.destroy();
  }
}
