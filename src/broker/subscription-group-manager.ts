import path from 'node:path';
import type { Logger } from '../common/logger';
import { ConfigFile } from '../store/config-file';
import type { BrokerConfig } from './broker-config';
import { VersionCounter } from './data-version';

/** SubscriptionGroupConfig with 5.x defaults (4.9 has a subset of these fields; extra ones are ignored there). */
export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  consumeMessageOrderly: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  groupRetryPolicy: Record<string, unknown>;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
  groupSysFlag: number;
  consumeTimeoutMinute: number;
  attributes: Record<string, string>;
}

export function newSubscriptionGroupConfig(groupName: string): SubscriptionGroupConfig {
  return {
    groupName,
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    consumeMessageOrderly: false,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    groupRetryPolicy: { type: 'CUSTOMIZED' },
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
    groupSysFlag: 0,
    consumeTimeoutMinute: 15,
    attributes: {},
  };
}

/** Accepts Java's JSON (either version) and fills what is missing with the defaults. */
export function toSubscriptionGroupConfig(v: unknown): SubscriptionGroupConfig | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.groupName !== 'string' || o.groupName === '') return undefined;
  const c = newSubscriptionGroupConfig(o.groupName);
  const bool = (x: unknown, d: boolean) => (typeof x === 'boolean' ? x : typeof x === 'string' ? x.toLowerCase() === 'true' : d);
  const num = (x: unknown, d: number) => (typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x)) ? Number(x) : d);
  c.consumeEnable = bool(o.consumeEnable, c.consumeEnable);
  c.consumeFromMinEnable = bool(o.consumeFromMinEnable, c.consumeFromMinEnable);
  c.consumeBroadcastEnable = bool(o.consumeBroadcastEnable, c.consumeBroadcastEnable);
  c.consumeMessageOrderly = bool(o.consumeMessageOrderly, c.consumeMessageOrderly);
  c.retryQueueNums = num(o.retryQueueNums, c.retryQueueNums);
  c.retryMaxTimes = num(o.retryMaxTimes, c.retryMaxTimes);
  c.brokerId = num(o.brokerId, c.brokerId);
  c.whichBrokerWhenConsumeSlowly = num(o.whichBrokerWhenConsumeSlowly, c.whichBrokerWhenConsumeSlowly);
  c.notifyConsumerIdsChangedEnable = bool(o.notifyConsumerIdsChangedEnable, c.notifyConsumerIdsChangedEnable);
  c.groupSysFlag = num(o.groupSysFlag, c.groupSysFlag);
  c.consumeTimeoutMinute = num(o.consumeTimeoutMinute, c.consumeTimeoutMinute);
  if (o.groupRetryPolicy && typeof o.groupRetryPolicy === 'object') c.groupRetryPolicy = o.groupRetryPolicy as Record<string, unknown>;
  if (o.attributes && typeof o.attributes === 'object') c.attributes = o.attributes as Record<string, string>;
  return c;
}

const SYSTEM_GROUPS = ['TOOLS_CONSUMER', 'FILTERSRV_CONSUMER', 'SELF_TEST_C_GROUP', 'CID_ONS-HTTP-PROXY', 'CID_ONSAPI_PULL', 'CID_ONSAPI_PERMISSION', 'CID_ONSAPI_OWNER', 'CID_SYS_RMQ_TRANS'];

/** Consumer group configs (Java: SubscriptionGroupManager) and subscriptionGroup.json. */
export class SubscriptionGroupManager {
  readonly table = new Map<string, SubscriptionGroupConfig>();
  readonly dataVersion = new VersionCounter();
  private readonly file: ConfigFile;

  constructor(
    storeRoot: string,
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
  ) {
    this.file = new ConfigFile(path.join(storeRoot, 'config', 'subscriptionGroup.json'), logger);
    for (const g of SYSTEM_GROUPS) this.table.set(g, newSubscriptionGroupConfig(g));
  }

  load(): void {
    const raw = this.file.load() as { dataVersion?: unknown; subscriptionGroupTable?: Record<string, unknown> } | undefined;
    if (!raw) return;
    this.dataVersion.assign(raw.dataVersion as never);
    for (const v of Object.values(raw.subscriptionGroupTable ?? {})) {
      const c = toSubscriptionGroupConfig(v);
      if (c) this.table.set(c.groupName, c);
    }
    this.logger.info('subscription groups loaded', { file: this.file.file, groups: this.table.size });
  }

  persist(): Promise<void> {
    return this.file.persist({ dataVersion: this.dataVersion.toJSON(), forbiddenTable: {}, subscriptionGroupTable: Object.fromEntries(this.table) });
  }

  flush(): Promise<void> {
    return this.file.flush();
  }

  /** The group's config, created with the defaults when autoCreateSubscriptionGroup allows (Java: findSubscriptionGroupConfig). */
  find(group: string): SubscriptionGroupConfig | undefined {
    let c = this.table.get(group);
    if (!c && this.config.autoCreateSubscriptionGroup) {
      c = newSubscriptionGroupConfig(group);
      this.table.set(group, c);
      this.logger.info('subscription group auto-created', { group });
      this.dataVersion.next();
      void this.persist();
    }
    return c;
  }

  /** Whether the group is known, without creating it (Java: containsSubscriptionGroup). */
  contains(group: string): boolean {
    return this.table.has(group);
  }

  update(c: SubscriptionGroupConfig): void {
    const old = this.table.get(c.groupName);
    this.table.set(c.groupName, c);
    this.logger.info(old ? 'subscription group updated' : 'subscription group created', { group: c.groupName });
    this.dataVersion.next();
    void this.persist();
  }

  delete(group: string): boolean {
    if (!this.table.delete(group)) return false;
    this.logger.info('subscription group deleted', { group });
    this.dataVersion.next();
    void this.persist();
    return true;
  }
}
