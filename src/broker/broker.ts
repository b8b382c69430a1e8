import { writeFileAtomic } from '../common/atomic-file';
import { getLogger, type Logger } from '../common/logger';
import { RemotingServer } from '../remoting/remoting-server';
import { RequestCode } from '../remoting/request-code';
import { createRequest } from '../remoting/remoting-command';
import { MessageStore } from '../store/message-store';
import { encodeSocketAddress } from '../store/socket-address';
import type { StoreConfig } from '../store/store-config';
import { applyBrokerProperties, brokerConfigText, type BrokerConfig, type BrokerConfigs, type BrokerNettyConfig } from './broker-config';
import type { BrokerContext } from './broker-context';
import { BrokerMetrics } from './broker-metrics';
import { BrokerStats } from './broker-stats';
import { BrokerStatsItems } from './stats-items';
import { ConsumerManager } from './client/consumer-manager';
import { ProducerManager } from './client/producer-manager';
import { ConsumerOffsetManager } from './consumer-offset-manager';
import { PullRequestHoldService } from './long-polling/pull-request-hold-service';
import { NamesrvRegistrar } from './namesrv-registrar';
import { registerBrokerProcessors } from './processors/index';
import { ScheduleMessageService } from './schedule/schedule-message-service';
import { TIMER_TOPIC, TimerMessageService } from './schedule/timer-message-service';
import { RebalanceLockManager } from './client/rebalance-lock-manager';
import { TransactionalMessageService } from './transaction/transactional-message-service';
import { UniqIdGenerator } from './uniq-id';
import { SubscriptionGroupManager } from './subscription-group-manager';
import { TopicConfigManager } from './topic-config-manager';

/**
 * The broker (Java: BrokerController): config, store, managers, the main and VIP servers, name server
 * registration, and an orderly shutdown that answers in-flight work, unregisters, and flushes the store.
 */
export class BrokerController implements BrokerContext {
  readonly config: BrokerConfig;
  readonly storeConfig: StoreConfig;
  readonly nettyConfig: BrokerNettyConfig;
  readonly logger: Logger;
  readonly store: MessageStore;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly holdService: PullRequestHoldService;
  readonly stats = new BrokerStats();
  readonly statsItems = new BrokerStatsItems();
  readonly schedule: ScheduleMessageService;
  readonly locks = new RebalanceLockManager();
  readonly uniqIds: UniqIdGenerator;
  readonly transactions: TransactionalMessageService;
  readonly timers: TimerMessageService;
  readonly metrics: BrokerMetrics | undefined;
  readonly brokerAddr: string;
  readonly storeHost: Buffer;
  readonly bootTimestamp = Date.now();
  private readonly server: RemotingServer;
  private readonly vipServer: RemotingServer;
  private readonly registrar: NamesrvRegistrar;
  private periodic: NodeJS.Timeout[] = [];
  private started = false;

  constructor(readonly configs: BrokerConfigs) {
    this.config = configs.broker;
    this.storeConfig = configs.store;
    this.nettyConfig = configs.netty;
    this.logger = getLogger('broker');
    this.brokerAddr = `${this.config.brokerIP1}:${this.nettyConfig.listenPort}`;
    this.storeHost = encodeSocketAddress(this.config.brokerIP1, this.nettyConfig.listenPort);
    const root = this.storeConfig.storePathRootDir;
    this.store = new MessageStore(this.storeConfig, getLogger('store'));
    this.topics = new TopicConfigManager(root, this.config, this.logger);
    this.groups = new SubscriptionGroupManager(root, this.config, this.logger);
    this.offsets = new ConsumerOffsetManager(root, this.logger);
    this.consumers = new ConsumerManager(this.logger, this.config.channelExpiredTimeout);
    this.producers = new ProducerManager(this.logger, this.config.channelExpiredTimeout);
    this.schedule = new ScheduleMessageService(this, getLogger('schedule'));
    this.uniqIds = new UniqIdGenerator(this.config.brokerIP1);
    this.transactions = new TransactionalMessageService(this, this.uniqIds, getLogger('transaction'));
    this.timers = new TimerMessageService(this, getLogger('timer'));
    const processors = registerBrokerProcessors(this);
    this.holdService = new PullRequestHoldService((t, q) => this.store.maxOffsetInQueue(t, q), processors.pull.rerun, this.logger);
    const idle = { idleTimeoutMs: this.nettyConfig.serverChannelMaxIdleTimeSeconds * 1000 };
    if (this.config.metricsExporterType === 'PROM') {
      this.metrics = new BrokerMetrics(this, () => this.server.connections.size + this.vipServer.connections.size, getLogger('metrics'));
    } else if (this.config.metricsExporterType !== 'DISABLE') {
      this.logger.warn('metricsExporterType not served by tsmq: only PROM is; metrics are off', { metricsExporterType: this.config.metricsExporterType });
    }
    const observer = this.metrics;
    this.server = new RemotingServer({ name: 'broker', port: this.nettyConfig.listenPort, host: this.nettyConfig.bindAddress, connection: idle, observer }, processors.main, this.logger);
    this.vipServer = new RemotingServer({ name: 'broker-vip', port: this.nettyConfig.listenPort - 2, host: this.nettyConfig.bindAddress, connection: idle, observer }, processors.vip, this.logger);
    for (const s of [this.server, this.vipServer]) {
      s.onConnection((conn) =>
        conn.onClose((c) => {
          this.consumers.onConnectionClosed(c);
          this.producers.onConnectionClosed(c);
          this.holdService.onConnectionClosed(c);
        }),
      );
    }
    this.registrar = new NamesrvRegistrar(
      () => this.namesrvAddrs(),
      {
        clusterName: this.config.brokerClusterName,
        brokerName: this.config.brokerName,
        brokerId: this.config.brokerId,
        brokerAddr: this.brokerAddr,
        haServerAddr: `${this.config.brokerIP2}:${this.storeConfig.haListenPort}`,
      },
      this.topics,
      this.logger,
    );
    this.registrar.timeoutMs = this.config.registerBrokerTimeoutMills;
    this.registrar.brokerPermission = () => this.config.brokerPermission;
    this.topics.onChanged = () => this.registrar.registerSoon();
    this.consumers.onChange = (event, group, info) => {
      if (event !== 'CHANGE' || !this.config.notifyConsumerIdsChangedEnable) return;
      const sg = this.groups.table.get(group);
      if (sg && !sg.notifyConsumerIdsChangedEnable) return;
      for (const c of info.channels.values()) c.conn.invokeOneway(createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group }));
    };
    this.store.onMessageArriving((topic, queueId, logicOffset, tagsCode) => {
      if (topic === TIMER_TOPIC) this.timers.onArrival();
      else this.holdService.notifyMessageArriving(topic, queueId, logicOffset, tagsCode);
    });
  }

  namesrvAddrs(): string[] {
    return (this.config.namesrvAddr ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  get port(): number {
    return this.server.port;
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    for (const k of this.configs.unknownKeys) this.logger.warn('unknown config key ignored', { key: k, file: this.configs.source });
    this.topics.load();
    this.groups.load();
    this.offsets.load();
    this.schedule.load();
    this.timers.load();
    await this.store.load();
    await this.store.start();
    if (this.storeConfig.brokerRole !== 'SLAVE') {
      this.schedule.start();
      this.transactions.start();
      if (this.config.timerWheelEnable) this.timers.start();
    }
    await this.server.start();
    await this.vipServer.start();
    await this.metrics?.start();
    this.holdService.start(this.config.longPollingEnable ? 1000 : this.config.shortPollingTimeMills);
    this.stats.start();
    this.statsItems.start();
    const every = (ms: number, f: () => unknown) => {
      const t = setInterval(() => {
        try {
          const r = f();
          if (r instanceof Promise) r.catch((err: unknown) => this.logger.error('periodic task failed', { error: (err as Error).message }));
        } catch (err) {
          this.logger.error('periodic task failed', { error: (err as Error).message });
        }
      }, ms);
      t.unref();
      this.periodic.push(t);
    };
    every(this.config.flushConsumerOffsetInterval, () => this.offsets.persist());
    every(10_000, () => {
      this.consumers.scanNotActiveChannel();
      this.producers.scanNotActiveChannel();
    });
    if (this.namesrvAddrs().length === 0) this.logger.warn('no name server address (namesrvAddr): clients cannot find this broker');
    this.registrar.start(this.config.registerNameServerPeriod);
    this.started = true;
    this.logger.info('broker started', {
      cluster: this.config.brokerClusterName,
      broker: this.config.brokerName,
      addr: this.brokerAddr,
      vipPort: this.nettyConfig.listenPort - 2,
      store: this.storeConfig.storePathRootDir,
      flushDiskType: this.storeConfig.flushDiskType,
      namesrv: this.config.namesrvAddr || '(none)',
      startupMs: Date.now() - t0,
    });
  }

  configText(): string {
    return brokerConfigText({ broker: this.config, store: this.storeConfig, netty: this.nettyConfig, fileOnly: this.configs.fileOnly });
  }

  /** Java: Configuration#update. Keys no config has are ignored, except those the config file brought. */
  async updateConfig(props: Map<string, string>, source: string): Promise<void> {
    const unknown = applyBrokerProperties({ broker: this.config, store: this.storeConfig, netty: this.nettyConfig }, props, source);
    for (const k of unknown) if (this.configs.fileOnly.has(k)) this.configs.fileOnly.set(k, props.get(k)!.trim());
    this.logger.info('broker config updated', { keys: [...props.keys()], source });
    if (props.has('brokerPermission')) {
      // The name servers learn of it at once, with a new topic data version so they take the topics' perms again.
      this.topics.dataVersion.next();
      this.registrar.registerSoon();
    }
    const file = `${this.storeConfig.storePathRootDir}/config/broker.properties`;
    await writeFileAtomic(file, this.configText()).catch((err: unknown) => this.logger.error('cannot persist broker config', { file, error: (err as Error).message }));
  }

  async shutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const t of this.periodic) clearInterval(t);
    this.holdService.stop();
    this.transactions.stop();
    this.stats.stop();
    this.statsItems.stop();
    await this.registrar.unregisterAll();
    this.registrar.stop();
    await this.server.close();
    await this.vipServer.close();
    await this.metrics?.stop();
    await this.schedule.shutdown();
    await this.timers.shutdown();
    await this.store.shutdown();
    await this.offsets.persist(true);
    await this.topics.persist();
    await this.groups.persist();
    this.logger.info('broker stopped', { addr: this.brokerAddr });
  }
}
