import net from 'node:net';
import type { Logger } from '../common/logger';
import { Connection, DEFAULT_CONNECTION_OPTIONS, type ConnectionOptions } from './connection';
import { ResponseError, describeError } from './errors';
import { DEFAULT_KEEPALIVE, tuneKeepAlive, type KeepAliveOptions } from './keepalive';
import { requestCodeNotSupported, SYSTEM_BUSY_REMARK, type ProcessorTable, type RequestContext } from './processor-table';
import { requestCodeName } from './request-code';
import { ResponseCode } from './response-code';
import { createResponse, isOneway, type RemotingCommand } from './remoting-command';

export interface RemotingServerOptions {
  /** For log lines: "namesrv", "broker", "broker-vip". */
  name: string;
  port: number;
  host?: string;
  connection?: Partial<ConnectionOptions>;
  keepAlive?: KeepAliveOptions;
  /** Told of every request once it is answered (metrics); absent, no clock is read per request. */
  observer?: RequestObserver;
}

export interface RequestObserver {
  /**
   * `res` is the answer written (for a oneway request, the one a handler made and nobody is sent), or null when there
   * is none: a oneway handler that made none, or a request a handler keeps to answer later (a held pull);
   * `startedAt` is performance.now() when the request was dispatched.
   */
  requestDone(req: RemotingCommand, res: RemotingCommand | null, startedAt: number, conn: Connection): void;
}

/**
 * Accepts connections and dispatches each request to its processor (Java NettyRemotingServer +
 * NettyRemotingAbstract#processRequestCommand). Requests on one connection are processed concurrently and answered
 * in any order. A handler's ResponseError becomes that response; anything else it throws becomes SYSTEM_ERROR with
 * a one-line remark. A oneway request is never answered.
 */
export class RemotingServer {
  private server: net.Server | undefined;
  readonly connections = new Set<Connection>();
  private readonly connectionListeners: Array<(conn: Connection) => void> = [];
  private readonly connectionOptions: ConnectionOptions;

  constructor(
    private readonly options: RemotingServerOptions,
    private readonly table: ProcessorTable,
    private readonly logger: Logger,
  ) {
    this.connectionOptions = { ...DEFAULT_CONNECTION_OPTIONS, ...options.connection };
  }

  /** Called for every new connection (the broker attaches close handlers to unregister clients). */
  onConnection(listener: (conn: Connection) => void): void {
    this.connectionListeners.push(listener);
  }

  get port(): number {
    const addr = this.server?.address();
    return addr && typeof addr === 'object' ? addr.port : this.options.port;
  }

  start(): Promise<void> {
    const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen({ port: this.options.port, host: this.options.host ?? '0.0.0.0', backlog: 1024 }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.logger.error('server socket error', { server: this.options.name, error: err.message }));
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    tuneKeepAlive(socket, this.options.keepAlive ?? DEFAULT_KEEPALIVE, this.logger);
    const conn = new Connection(socket, this.dispatch, this.logger, this.connectionOptions);
    this.connections.add(conn);
    this.logger.debug('connection accepted', { server: this.options.name, remote: conn.remoteAddress });
    conn.onClose(() => {
      this.connections.delete(conn);
      this.logger.debug('connection closed', { server: this.options.name, remote: conn.remoteAddress });
    });
    for (const l of this.connectionListeners) l(conn);
  }

  private readonly dispatch = (conn: Connection, cmd: RemotingCommand): void => {
    const startedAt = this.options.observer ? performance.now() : 0;
    const processor = this.table.lookup(cmd.code);
    if (!processor) {
      this.logger.debug('request code not supported', { remote: conn.remoteAddress, code: cmd.code });
      this.answer(conn, cmd, requestCodeNotSupported(cmd), startedAt);
      return;
    }
    if (processor.rejectRequest?.(cmd)) {
      this.answer(conn, cmd, createResponse(cmd, ResponseCode.SYSTEM_BUSY, SYSTEM_BUSY_REMARK), startedAt);
      return;
    }
    const ctx: RequestContext = { conn, receivedAt: startedAt };
    conn.requestStarted();
    let result;
    try {
      result = processor.processRequest(ctx, cmd);
    } catch (err) {
      this.finish(conn, cmd, null, err, startedAt);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (res) => this.finish(conn, cmd, res, undefined, startedAt),
        (err: unknown) => this.finish(conn, cmd, null, err, startedAt),
      );
    } else {
      this.finish(conn, cmd, result, undefined, startedAt);
    }
  };

  private answer(conn: Connection, req: RemotingCommand, res: RemotingCommand | null, startedAt: number): void {
    if (res && !isOneway(req)) conn.send(res);
    this.options.observer?.requestDone(req, res, startedAt, conn);
  }

  private finish(conn: Connection, req: RemotingCommand, res: RemotingCommand | null, err: unknown, startedAt: number): void {
    conn.requestFinished();
    if (err !== undefined) {
      if (err instanceof ResponseError) {
        res = createResponse(req, err.responseCode, err.remark);
      } else {
        const desc = describeError(err);
        this.logger.error('request failed', { remote: conn.remoteAddress, code: requestCodeName(req.code), error: desc });
        res = createResponse(req, ResponseCode.SYSTEM_ERROR, desc);
      }
    }
    this.answer(conn, req, res, startedAt);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.connections) conn.close('server shutting down');
    await closed;
  }
}
