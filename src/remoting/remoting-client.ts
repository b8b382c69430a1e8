import net from 'node:net';
import type { Logger } from '../common/logger';
import { Connection, DEFAULT_CONNECTION_OPTIONS } from './connection';
import { ConnectError } from './errors';
import { DEFAULT_KEEPALIVE, tuneKeepAlive } from './keepalive';
import { requestCodeNotSupported } from './processor-table';
import type { RemotingCommand } from './remoting-command';

export interface RemotingClientOptions {
  connectTimeoutMs: number;
  /** Requests the remote side sends us on an outbound connection; by default answered "not supported". */
  onRequest?: (conn: Connection, cmd: RemotingCommand) => void;
}

/**
 * Outbound RPC for the calls our servers make (broker to name server). One connection per "host:port", opened on
 * first use and dropped when it closes; each call has its own timeout.
 */
export class RemotingClient {
  private readonly connections = new Map<string, Promise<Connection>>();
  private closed = false;

  constructor(
    private readonly logger: Logger,
    private readonly options: RemotingClientOptions = { connectTimeoutMs: 3000 },
  ) {}

  async invoke(addr: string, cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const conn = await this.connection(addr);
    return conn.invoke(cmd, timeoutMs);
  }

  async invokeOneway(addr: string, cmd: RemotingCommand): Promise<void> {
    const conn = await this.connection(addr);
    conn.invokeOneway(cmd);
  }

  private connection(addr: string): Promise<Connection> {
    if (this.closed) return Promise.reject(new ConnectError(addr, 'client closed'));
    let p = this.connections.get(addr);
    if (!p) {
      const opening = this.open(addr);
      this.connections.set(addr, opening);
      const forget = () => {
        if (this.connections.get(addr) === opening) this.connections.delete(addr);
      };
      opening.then((conn) => conn.onClose(forget), forget);
      p = opening;
    }
    return p;
  }

  private open(addr: string): Promise<Connection> {
    const sep = addr.lastIndexOf(':');
    const host = addr.slice(0, sep);
    const port = Number(addr.slice(sep + 1));
    if (sep <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      return Promise.reject(new ConnectError(addr, 'not a host:port address'));
    }
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectError(addr, `no connection within ${this.options.connectTimeoutMs} ms`));
      }, this.options.connectTimeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new ConnectError(addr, err.message));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        tuneKeepAlive(socket, DEFAULT_KEEPALIVE, this.logger);
        const onRequest = this.options.onRequest ?? ((c: Connection, cmd: RemotingCommand) => c.send(requestCodeNotSupported(cmd)));
        const conn = new Connection(socket, onRequest, this.logger, { ...DEFAULT_CONNECTION_OPTIONS, idleTimeoutMs: 0 });
        resolve(conn);
      });
    });
  }

  close(): void {
    this.closed = true;
    for (const p of this.connections.values()) p.then((c) => c.close('client closed'), () => undefined);
    this.connections.clear();
  }
}
