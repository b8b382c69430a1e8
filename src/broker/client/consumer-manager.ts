import type { Logger } from '../../common/logger';
import type { SubscriptionData } from '../../remoting/bodies/heartbeat-data';
import type { Connection } from '../../remoting/connection';
import type { ClientChannelInfo } from './client-channel-info';

/** A consumer group's live members and subscriptions (Java: ConsumerGroupInfo). */
export class ConsumerGroupInfo {
  readonly channels = new Map<Connection, ClientChannelInfo>();
  readonly subscriptions = new Map<string, SubscriptionData>();
  consumeType = 'CONSUME_PASSIVELY';
  messageModel = 'CLUSTERING';
  consumeFromWhere = 'CONSUME_FROM_LAST_OFFSET';
  lastUpdateTimestamp = Date.now();

  constructor(readonly groupName: string) {}

  /** Client ids of the members, sorted as clients sort them for allocation. */
  clientIds(): string[] {
    return [...this.channels.values()].map((c) => c.clientId);
  }

  findByClientId(clientId: string): ClientChannelInfo | undefined {
    for (const c of this.channels.values()) if (c.clientId === clientId) return c;
    return undefined;
  }

  /** Java: updateChannel. True when the member is new. */
  updateChannel(info: ClientChannelInfo, consumeType: string, messageModel: string, consumeFromWhere: string): boolean {
    this.consumeType = consumeType;
    this.messageModel = messageModel;
    this.consumeFromWhere = consumeFromWhere;
    const old = this.channels.get(info.conn);
    this.channels.set(info.conn, info);
    this.lastUpdateTimestamp = Date.now();
    return !old || old.clientId !== info.clientId;
  }

  /**
   * Java: updateSubscription. A newer subVersion replaces a stored subscription; topics absent from this heartbeat
   * are dropped (members of one group are expected to subscribe alike). True when anything changed.
   */
  updateSubscription(subs: SubscriptionData[]): boolean {
    let changed = false;
    const seen = new Set<string>();
    for (const s of subs) {
      seen.add(s.topic);
      const old = this.subscriptions.get(s.topic);
      if (!old) {
        this.subscriptions.set(s.topic, s);
        changed = true;
      } else if (s.subVersion > old.subVersion) {
        this.subscriptions.set(s.topic, s);
        if (s.subString !== old.subString || s.expressionType !== old.expressionType) changed = true;
      }
    }
    for (const topic of [...this.subscriptions.keys()]) {
      if (!seen.has(topic)) {
        this.subscriptions.delete(topic);
        changed = true;
      }
    }
    this.lastUpdateTimestamp = Date.now();
    return changed;
  }
}

export type ConsumerGroupEvent = 'CHANGE' | 'UNREGISTER' | 'REGISTER';

/**
 * Consumer groups by name (Java: ConsumerManager): registration from heartbeats, removal on unregister, on channel
 * close and when a channel stays silent past channelExpiredTimeout. `onChange` hears about membership changes so the
 * broker can tell the group's members to rebalance.
 */
export class ConsumerManager {
  readonly groups = new Map<string, ConsumerGroupInfo>();
  onChange: (event: ConsumerGroupEvent, group: string, info: ConsumerGroupInfo) => void = () => undefined;

  constructor(private readonly logger: Logger, private readonly channelExpiredTimeout: number) {}

  get(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  /** Java: registerConsumer. Returns whether members or subscriptions changed. */
  register(group: string, info: ClientChannelInfo, consumeType: string, messageModel: string, consumeFromWhere: string, subs: SubscriptionData[], withoutSub: boolean): boolean {
    let g = this.groups.get(group);
    if (!g) {
      g = new ConsumerGroupInfo(group);
      this.groups.set(group, g);
    }
    const memberChanged = g.updateChannel(info, consumeType, messageModel, consumeFromWhere);
    const subChanged = withoutSub ? false : g.updateSubscription(subs);
    if (memberChanged) this.logger.info('consumer joined', { group, clientId: info.clientId, remote: info.conn.remoteAddress });
    if (memberChanged || subChanged) this.onChange('CHANGE', group, g);
    this.onChange('REGISTER', group, g);
    return memberChanged || subChanged;
  }

  unregister(group: string, conn: Connection): void {
    const g = this.groups.get(group);
    if (!g) return;
    const info = g.channels.get(conn);
    if (!info) return;
    g.channels.delete(conn);
    this.logger.info('consumer left', { group, clientId: info.clientId, remote: conn.remoteAddress });
    if (g.channels.size === 0) {
      this.groups.delete(group);
      this.onChange('UNREGISTER', group, g);
    } else this.onChange('CHANGE', group, g);
  }

  /** A connection closed: it leaves every group it was in. */
  onConnectionClosed(conn: Connection): void {
    for (const [name, g] of [...this.groups]) if (g.channels.has(conn)) this.unregister(name, conn);
  }

  /** Drops members whose last heartbeat is older than channelExpiredTimeout, and closes their connections. */
  scanNotActiveChannel(now = Date.now()): void {
    for (const [name, g] of [...this.groups]) {
      for (const [conn, info] of [...g.channels]) {
        if (now - info.lastUpdateTimestamp > this.channelExpiredTimeout) {
          this.logger.warn('consumer expired: no heartbeat', { group: name, clientId: info.clientId, remote: conn.remoteAddress, silentMs: now - info.lastUpdateTimestamp });
          this.unregister(name, conn);
          conn.close('consumer heartbeat expired');
        }
      }
    }
  }

  /** Groups consuming a topic (by subscription). */
  groupsOfTopic(topic: string): string[] {
    return [...this.groups].filter(([, g]) => g.subscriptions.has(topic)).map(([n]) => n);
  }
}
