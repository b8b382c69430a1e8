import type { Logger } from '../../common/logger';
import type { Connection } from '../../remoting/connection';
import type { ClientChannelInfo } from './client-channel-info';

/** Producer groups and their connections (Java: ProducerManager); transaction check-backs pick one of them. */
export class ProducerManager {
  readonly groups = new Map<string, Map<Connection, ClientChannelInfo>>();

  constructor(private readonly logger: Logger, private readonly channelExpiredTimeout: number) {}

  register(group: string, info: ClientChannelInfo): void {
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = new Map()));
    if (!g.has(info.conn)) this.logger.debug('producer registered', { group, clientId: info.clientId, remote: info.conn.remoteAddress });
    g.set(info.conn, info);
  }

  unregister(group: string, conn: Connection): void {
    const g = this.groups.get(group);
    if (!g) return;
    g.delete(conn);
    if (g.size === 0) this.groups.delete(group);
  }

  onConnectionClosed(conn: Connection): void {
    for (const group of [...this.groups.keys()]) this.unregister(group, conn);
  }

  scanNotActiveChannel(now = Date.now()): void {
    for (const [group, g] of [...this.groups]) {
      for (const [conn, info] of [...g]) {
        if (now - info.lastUpdateTimestamp > this.channelExpiredTimeout) {
          this.logger.warn('producer expired: no heartbeat', { group, clientId: info.clientId, remote: conn.remoteAddress });
          this.unregister(group, conn);
          conn.close('producer heartbeat expired');
        }
      }
    }
  }

  /** The connection of a client id in any producer group (request-reply pushes to the requester). */
  findChannelByClientId(clientId: string): ClientChannelInfo | undefined {
    for (const g of this.groups.values()) for (const c of g.values()) if (c.clientId === clientId && c.conn.isOpen) return c;
    return undefined;
  }

  /** A live connection of the group (the first), for broker-to-producer calls. */
  anyChannel(group: string): ClientChannelInfo | undefined {
    const g = this.groups.get(group);
    return g ? g.values().next().value : undefined;
  }
}
