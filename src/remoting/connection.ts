import type { Socket } from 'node:net';
import type { Logger } from '../common/logger';
import { encodeHead, decodeCommand } from './command-codec';
import { ConnectionClosedError, ProtocolError, RemotingTimeoutError } from './errors';
import { DEFAULT_MAX_FRAME_LENGTH, FrameDecoder } from './frame-decoder';
import { FLAG_ONEWAY, isResponse, newOpaque, type RemotingCommand } from './remoting-command';

export interface ConnectionOptions {
  /** Requests being processed at once on this connection before we stop reading from it. */
  maxInFlight: number;
  maxFrameLength: number;
  /** Close after this long with no read and no write (Java: serverChannelMaxIdleTimeSeconds = 120). 0 = never. */
  idleTimeoutMs: number;
}

export const DEFAULT_CONNECTION_OPTIONS: ConnectionOptions = {
  maxInFlight: 4096,
  maxFrameLength: DEFAULT_MAX_FRAME_LENGTH,
  idleTimeoutMs: 120_000,
};

type RequestListener = (conn: Connection, cmd: RemotingCommand) => void;

interface Pending {
  resolve: (cmd: RemotingCommand) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  code: number;
}

/**
 * One TCP connection, either direction: it decodes frames, hands requests to `onRequest`, matches responses to the
 * requests we sent on it by opaque, and writes commands with one corked write each. Reading stops while our writes
 * back up (the peer does not read) or while too many of its requests are in flight, and resumes when both clear.
 */
export class Connection {
  readonly remoteAddress: string;
  readonly localPort: number;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private inFlight = 0;
  private writeBlocked = false;
  private paused = false;
  private closed = false;
  private readonly closeListeners: Array<(conn: Connection) => void> = [];
  /** Per-connection state owned by the layers above (client ids, language, version). */
  readonly attributes = new Map<string, unknown>();

  constructor(
    readonly socket: Socket,
    private readonly onRequest: RequestListener,
    private readonly logger: Logger,
    private readonly options: ConnectionOptions = DEFAULT_CONNECTION_OPTIONS,
  ) {
    this.remoteAddress = `${normalizeHost(socket.remoteAddress)}:${socket.remotePort ?? 0}`;
    this.localPort = socket.localPort ?? 0;
    this.decoder = new FrameDecoder(options.maxFrameLength);
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => this.close(`idle for ${options.idleTimeoutMs} ms`));
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.updateReading();
    });
    socket.on('error', (err) => this.logger.debug('socket error', { remote: this.remoteAddress, error: err.message }));
    socket.on('close', () => this.onClosed());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(listener: (conn: Connection) => void): void {
    if (this.closed) listener(this);
    else this.closeListeners.push(listener);
  }

  private readonly onFrame = (frame: Buffer): void => {
    const cmd = decodeCommand(frame);
    if (isResponse(cmd)) this.completePending(cmd);
    else this.onRequest(this, cmd);
  };

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk, this.onFrame);
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.logger.warn('closing connection: protocol error', { remote: this.remoteAddress, code: err.code, reason: err.message });
        this.close(err.message);
        return;
      }
      throw err;
    }
  }

  /** Server side: a request from this peer started or finished processing. */
  requestStarted(): void {
    this.inFlight++;
    if (this.inFlight >= this.options.maxInFlight) this.updateReading();
  }

  requestFinished(): void {
    this.inFlight--;
    if (this.paused) this.updateReading();
  }

  private updateReading(): void {
    const shouldPause = this.writeBlocked || this.inFlight >= this.options.maxInFlight;
    if (shouldPause === this.paused || this.closed) return;
    this.paused = shouldPause;
    if (shouldPause) this.socket.pause();
    else this.socket.resume();
  }

  /**
   * Writes one command (head, then the body or its parts, never concatenated). Every write made in one turn of the
   * event loop goes out in a single writev: the socket is corked at the first and uncorked once the turn's callbacks
   * and promise reactions have run. Returns false once closed.
   */
  send(cmd: RemotingCommand): boolean {
    if (this.closed) return false;
    const head = encodeHead(cmd);
    const s = this.socket;
    if (!this.corked) {
      this.corked = true;
      s.cork();
      process.nextTick(this.uncork);
    }
    let ok = s.write(head);
    if (cmd.bodyParts) {
      for (const part of cmd.bodyParts) if (part.length > 0) ok = s.write(part);
    } else if (cmd.body && cmd.body.length > 0) {
      ok = s.write(cmd.body);
    }
    if (!ok && !this.writeBlocked) {
      this.writeBlocked = true;
      this.updateReading();
    }
    return true;
  }

  private corked = false;

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  /** Sends a request on this connection and waits for its response (broker to client, broker to name server). */
  invoke(cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    if (this.closed) return Promise.reject(new ConnectionClosedError(this.remoteAddress, 'already closed'));
    return new Promise((resolve, reject) => {
      const opaque = cmd.opaque;
      const timer = setTimeout(() => {
        this.pending.delete(opaque);
        reject(new RemotingTimeoutError(this.remoteAddress, cmd.code, timeoutMs));
      }, timeoutMs);
      this.pending.set(opaque, { resolve, reject, timer, code: cmd.code });
      this.send(cmd);
    });
  }

  invokeOneway(cmd: RemotingCommand): boolean {
    cmd.flag |= FLAG_ONEWAY;
    if (cmd.opaque === undefined) cmd.opaque = newOpaque();
    return this.send(cmd);
  }

  private completePending(cmd: RemotingCommand): void {
    const p = this.pending.get(cmd.opaque);
    if (!p) {
      this.logger.debug('response for no pending request dropped', { remote: this.remoteAddress, opaque: cmd.opaque, code: cmd.code });
      return;
    }
    this.pending.delete(cmd.opaque);
    clearTimeout(p.timer);
    // The body is a view of a socket chunk; callers that keep it past this tick copy it.
    p.resolve(cmd);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.logger.debug('closing connection', { remote: this.remoteAddress, reason });
    this.socket.destroy();
    this.onClosed(reason);
  }

  private onClosed(reason = 'closed by peer'): void {
    if (this.closed) return;
    this.closed = true;
    for (const [opaque, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ConnectionClosedError(this.remoteAddress, reason));
      this.pending.delete(opaque);
    }
    for (const l of this.closeListeners.splice(0)) {
      try {
        l(this);
      } catch (err) {
        this.logger.error('connection close listener failed', { remote: this.remoteAddress, error: (err as Error).message });
      }
    }
  }
}

/** "::ffff:127.0.0.1" -> "127.0.0.1": Java reports IPv4 peers without the mapped prefix. */
export function normalizeHost(host: string | undefined): string {
  if (!host) return '0.0.0.0';
  return host.startsWith('::ffff:') ? host.slice(7) : host;
}
