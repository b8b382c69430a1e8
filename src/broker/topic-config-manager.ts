import path from 'node:path';
import type { Logger } from '../common/logger';
import { PERM_INHERIT, PERM_READ, PERM_WRITE, type TopicConfig } from '../remoting/bodies/route-data';
import { toTopicConfig } from '../remoting/bodies/register-broker-body';
import { ConfigFile } from '../store/config-file';
import type { BrokerConfig } from './broker-config';
import { VersionCounter } from './data-version';
import { addSystemTopic, TopicValidator } from './topic-validator';

export function newTopicConfig(topicName: string, readQueueNums = 16, writeQueueNums = 16, perm = PERM_READ | PERM_WRITE): TopicConfig {
  return { topicName, readQueueNums, writeQueueNums, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} };
}

/**
 * The broker's topics (Java: TopicConfigManager): the system topics created at start, auto-creation from the TBW102
 * template on send, creation of retry and dead-letter topics, and topics.json. Every change bumps the data version and
 * asks the registrar to re-register with the name servers.
 */
export class TopicConfigManager {
  readonly table = new Map<string, TopicConfig>();
  readonly dataVersion = new VersionCounter();
  private readonly file: ConfigFile;
  /** Called after a change that name servers must learn about. */
  onChanged: () => void = () => undefined;

  constructor(
    storeRoot: string,
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
  ) {
    this.file = new ConfigFile(path.join(storeRoot, 'config', 'topics.json'), logger);
    this.initSystemTopics();
  }

  private put(tc: TopicConfig): void {
    this.table.set(tc.topicName, tc);
  }

  /** Java: TopicConfigManager's constructor. */
  private initSystemTopics(): void {
    const c = this.config;
    this.put(newTopicConfig(TopicValidator.RMQ_SYS_SELF_TEST_TOPIC, 1, 1));
    if (c.autoCreateTopicEnable) {
      this.put(newTopicConfig(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, c.defaultTopicQueueNums, c.defaultTopicQueueNums, PERM_INHERIT | PERM_READ | PERM_WRITE));
    }
    this.put(newTopicConfig(TopicValidator.RMQ_SYS_BENCHMARK_TOPIC, 1024, 1024));
    const clusterPerm = c.clusterTopicEnable ? PERM_INHERIT | PERM_READ | PERM_WRITE : PERM_INHERIT;
    this.put(newTopicConfig(c.brokerClusterName, 16, 16, clusterPerm));
    const brokerPerm = c.brokerTopicEnable ? PERM_INHERIT | PERM_READ | PERM_WRITE : PERM_INHERIT;
    this.put(newTopicConfig(c.brokerName, 1, 1, brokerPerm));
    this.put(newTopicConfig(TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT, 1, 1));
    this.put(newTopicConfig(TopicValidator.RMQ_SYS_SCHEDULE_TOPIC, 18, 18));
    if (c.traceTopicEnable) this.put(newTopicConfig(c.msgTraceTopicName, 1, 1));
    this.put(newTopicConfig(`${c.brokerClusterName}_REPLY_TOPIC`, 1, 1));
    // 5.x's POP revive log and slave-acting-master sync topics: tsmq serves neither feature, but Java 5 brokers
    // create and register them, and mqadmin's topicList and wipeWritePerm count them
    this.put(newTopicConfig(`rmq_sys_REVIVE_LOG_${c.brokerClusterName}`, c.reviveQueueNum, c.reviveQueueNum));
    this.put(newTopicConfig(`rmq_sys_SYNC_BROKER_MEMBER_${c.brokerName}`, 1, 1, PERM_INHERIT));
    this.put(newTopicConfig(TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC, 1, 1));
    this.put(newTopicConfig(TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC, 1, 1));
    if (c.timerWheelEnable) this.put(newTopicConfig('rmq_sys_wheel_timer', 1, 1));
    for (const t of [c.brokerClusterName, c.brokerName, `${c.brokerClusterName}_REPLY_TOPIC`]) addSystemTopic(t);
    if (c.traceTopicEnable) addSystemTopic(c.msgTraceTopicName);
  }

  /** Loads topics.json (Java's or ours); stored configs override the built-in system topics. */
  load(): void {
    const raw = this.file.load() as { dataVersion?: unknown; topicConfigTable?: Record<string, unknown> } | undefined;
    if (!raw) return;
    this.dataVersion.assign(raw.dataVersion as never);
    for (const [name, v] of Object.entries(raw.topicConfigTable ?? {})) this.put(toTopicConfig(name, v));
    this.logger.info('topics loaded', { file: this.file.file, topics: this.table.size });
  }

  persist(): Promise<void> {
    return this.file.persist({ dataVersion: this.dataVersion.toJSON(), topicConfigTable: Object.fromEntries(this.table) });
  }

  flush(): Promise<void> {
    return this.file.flush();
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  private changed(): void {
    this.dataVersion.next();
    void this.persist();
    this.onChanged();
  }

  /**
   * Java: createTopicInSendMessageMethod. A producer sending to an unknown topic names a template (TBW102); when the
   * template may be inherited, the topic is created with min(client queue count, template write queues) queues.
   */
  createTopicInSendMessageMethod(topic: string, defaultTopic: string, remoteAddress: string, clientDefaultTopicQueueNums: number, topicSysFlag: number): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing) return existing;
    const template = this.table.get(defaultTopic);
    if (!template) {
      this.logger.warn('cannot auto-create topic: the template topic does not exist', { topic, template: defaultTopic, producer: remoteAddress });
      return undefined;
    }
    let perm = template.perm;
    if (defaultTopic === TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC && !this.config.autoCreateTopicEnable) perm = PERM_READ | PERM_WRITE;
    if ((perm & PERM_INHERIT) === 0) {
      this.logger.warn('cannot auto-create topic: the template topic may not be inherited', { topic, template: defaultTopic, perm, producer: remoteAddress });
      return undefined;
    }
    const queueNums = Math.max(0, Math.min(clientDefaultTopicQueueNums, template.writeQueueNums));
    const tc: TopicConfig = {
      ...newTopicConfig(topic, queueNums, queueNums, perm & ~PERM_INHERIT),
      topicSysFlag,
      topicFilterType: template.topicFilterType,
    };
    this.put(tc);
    this.logger.info('topic auto-created on send', { topic, queues: queueNums, template: defaultTopic, producer: remoteAddress });
    this.changed();
    return tc;
  }

  /** Java: createTopicInSendMessageBackMethod, for %RETRY% and %DLQ% topics. */
  createTopicIfAbsent(topic: string, queueNums: number, perm: number, topicSysFlag = 0): TopicConfig {
    const existing = this.table.get(topic);
    if (existing) return existing;
    const tc: TopicConfig = { ...newTopicConfig(topic, queueNums, queueNums, perm), topicSysFlag };
    this.put(tc);
    this.logger.info('topic created', { topic, queues: queueNums, perm });
    this.changed();
    return tc;
  }

  /**
   * Marks the topics the name servers list under ORDER_TOPIC_CONFIG as ordered (Java: updateOrderTopicConfig). Like
   * Java it never unmarks one: the name server's table is not kept in step, so mqadmin's updateTopic decides that.
   */
  updateOrderTopicConfig(orderTopics: string[]): void {
    let changed = false;
    for (const topic of orderTopics) {
      const tc = this.table.get(topic);
      if (tc && !tc.order) {
        tc.order = true;
        changed = true;
        this.logger.info('topic marked ordered by the name servers\' ORDER_TOPIC_CONFIG', { topic });
      }
    }
    if (changed) this.changed();
  }

  updateTopicConfig(tc: TopicConfig): void {
    const old = this.table.get(tc.topicName);
    this.put(tc);
    this.logger.info(old ? 'topic updated' : 'topic created', { topic: tc.topicName, read: tc.readQueueNums, write: tc.writeQueueNums, perm: tc.perm });
    this.changed();
  }

  deleteTopicConfig(topic: string): boolean {
    if (!this.table.delete(topic)) return false;
    this.logger.info('topic deleted', { topic });
    this.changed();
    return true;
  }

  /** The body of REGISTER_BROKER and GET_ALL_TOPIC_CONFIG: `topicConfigSerializeWrapper` as 5.x writes it. */
  serializeWrapper(): Record<string, unknown> {
    return {
      dataVersion: this.dataVersion.toJSON(),
      topicConfigTable: Object.fromEntries(this.table),
    };
  }
}
