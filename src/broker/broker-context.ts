import type { Logger } from '../common/logger';
import type { MessageStore } from '../store/message-store';
import type { BrokerConfig, BrokerNettyConfig } from './broker-config';
import type { ConsumerManager } from './client/consumer-manager';
import type { ProducerManager } from './client/producer-manager';
import type { ConsumerOffsetManager } from './consumer-offset-manager';
import type { PullRequestHoldService } from './long-polling/pull-request-hold-service';
import type { SubscriptionGroupManager } from './subscription-group-manager';
import type { TopicConfigManager } from './topic-config-manager';
import type { StoreConfig } from '../store/store-config';
import type { BrokerStats } from './broker-stats';
import type { BrokerStatsItems } from './stats-items';
import type { RebalanceLockManager } from './client/rebalance-lock-manager';
import type { TransactionalMessageService } from './transaction/transactional-message-service';
import type { UniqIdGenerator } from './uniq-id';
import type { TimerMessageService } from './schedule/timer-message-service';
import type { BrokerMetrics } from './broker-metrics';

/** What the broker's processors work with; explicit so a processor can run against fakes. */
export interface BrokerContext {
  config: BrokerConfig;
  storeConfig: StoreConfig;
  nettyConfig: BrokerNettyConfig;
  logger: Logger;
  store: MessageStore;
  topics: TopicConfigManager;
  groups: SubscriptionGroupManager;
  offsets: ConsumerOffsetManager;
  consumers: ConsumerManager;
  producers: ProducerManager;
  holdService: PullRequestHoldService;
  stats: BrokerStats;
  /** Per-topic and per-group counters (VIEW_BROKER_STATS_DATA, consumeTps). */
  statsItems: BrokerStatsItems;
  locks: RebalanceLockManager;
  transactions: TransactionalMessageService;
  uniqIds: UniqIdGenerator;
  timers: TimerMessageService;
  /** Present when metricsExporterType=PROM. */
  metrics: BrokerMetrics | undefined;
  /** "ip:listenPort": the address name servers hand out and offset message ids carry. */
  brokerAddr: string;
  /** brokerAddr encoded as a stored host (8 or 20 bytes). */
  storeHost: Buffer;
  bootTimestamp: number;
  /** The broker config as GET_BROKER_CONFIG returns it. */
  configText(): string;
  updateConfig(props: Map<string, string>, source: string): Promise<void>;
}
