import os from 'node:os';
import { ConfigError } from '../common/errors';
import { readPropertiesFile } from '../common/java-properties';
import { applyProperties } from '../common/typed-config';
import { defaultStoreConfig, type StoreConfig } from '../store/store-config';
import { parseExporterType } from '../metrics/prometheus-exporter';

/**
 * BrokerConfig: the broker keys of broker.conf with RocketMQ's defaults (4.9.8, plus the 5.x keys tsmq honours).
 * Thread-pool and queue-capacity keys are accepted so existing files load; Node runs every handler on one loop.
 */
export function defaultBrokerConfig() {
  const cpus = os.cpus().length;
  return {
    rocketmqHome: process.env.ROCKETMQ_HOME ?? '',
    namesrvAddr: process.env.NAMESRV_ADDR ?? '',
    brokerIP1: '',
    brokerIP2: '',
    brokerName: os.hostname(),
    brokerClusterName: 'DefaultCluster',
    brokerId: 0,
    brokerPermission: 6,
    defaultTopicQueueNums: 8,
    autoCreateTopicEnable: true,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    messageStorePlugIn: '',
    msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
    traceTopicEnable: false,
    sendMessageThreadPoolNums: Math.min(cpus, 4),
    putMessageFutureThreadPoolNums: Math.min(cpus, 4),
    pullMessageThreadPoolNums: 16 + cpus * 2,
    processReplyMessageThreadPoolNums: 16 + cpus * 2,
    queryMessageThreadPoolNums: 8 + cpus,
    adminBrokerThreadPoolNums: 16,
    clientManageThreadPoolNums: 32,
    consumerManageThreadPoolNums: 32,
    heartbeatThreadPoolNums: Math.min(32, cpus),
    endTransactionThreadPoolNums: Math.max(8 + cpus * 2, 4),
    flushConsumerOffsetInterval: 5000,
    flushConsumerOffsetHistoryInterval: 60000,
    rejectTransactionMessage: false,
    fetchNamesrvAddrByAddressServer: false,
    sendThreadPoolQueueCapacity: 10000,
    putThreadPoolQueueCapacity: 10000,
    pullThreadPoolQueueCapacity: 100000,
    replyThreadPoolQueueCapacity: 10000,
    queryThreadPoolQueueCapacity: 20000,
    clientManagerThreadPoolQueueCapacity: 1000000,
    consumerManagerThreadPoolQueueCapacity: 1000000,
    heartbeatThreadPoolQueueCapacity: 50000,
    endTransactionPoolQueueCapacity: 100000,
    filterServerNums: 0,
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    notifyConsumerIdsChangedEnable: true,
    highSpeedMode: false,
    commercialEnable: true,
    transferMsgByHeap: true,
    maxDelayTime: 40,
    regionId: 'DefaultRegion',
    registerBrokerTimeoutMills: 6000,
    slaveReadEnable: false,
    disableConsumeIfConsumerReadSlowly: false,
    consumerFallbehindThreshold: 16 * 1024 * 1024 * 1024,
    brokerFastFailureEnable: true,
    waitTimeMillsInSendQueue: 200,
    waitTimeMillsInPullQueue: 5000,
    waitTimeMillsInHeartbeatQueue: 31000,
    waitTimeMillsInTransactionQueue: 3000,
    startAcceptSendRequestTimeStamp: 0,
    traceOn: true,
    enableCalcFilterBitMap: false,
    expectConsumerNumUseFilter: 32,
    maxErrorRateOfBloomFilter: 20,
    filterDataCleanTimeSpan: 24 * 3600 * 1000,
    filterSupportRetry: false,
    enablePropertyFilter: false,
    compressedRegister: false,
    forceRegister: true,
    registerNameServerPeriod: 30000,
    transactionTimeOut: 6000,
    transactionCheckMax: 15,
    transactionCheckInterval: 60000,
    aclEnable: false,
    storeReplyMessageEnable: true,
    enableDetailStat: true,
    autoDeleteUnusedStats: false,
    configBlackList: 'configBlackList;brokerConfigPath',
    /** 5.x: how long a silent client channel lives (Java: channelExpiredTimeout). */
    channelExpiredTimeout: 120000,
    /** 5.x: subscription-group and topic validation switches. */
    validateSystemTopicWhenUpdateTopic: true,
    enableSplitRegistration: false,
    litePullMessageEnable: true,
    useServerSideResetOffset: false,
    /** 5.x timer messages (TIMER_DELIVER_MS, TIMER_DELAY_SEC, TIMER_DELAY_MS). */
    timerWheelEnable: true,
    timerPrecisionMs: 1000,
    timerMaxDelaySec: 3 * 24 * 3600,
    /**
     * 5.x metrics (docs/metrics.md): PROM serves Prometheus text at http://metricsPromExporterHost:
     * metricsPromExporterPort/metrics (host blank: brokerIP1). DISABLE, OTLP_GRPC and LOG serve nothing here.
     */
    metricsExporterType: 'DISABLE',
    metricsPromExporterHost: '',
    metricsPromExporterPort: 5557,
    metricsLabel: '',
    metricsInDelta: false,
    metricsOtelCardinalityLimit: 50000,
    metricsGrpcExporterTarget: '',
    metricsGrpcExporterHeader: '',
    metricGrpcExporterTimeOutInMills: 3000,
    metricGrpcExporterIntervalInMills: 60000,
    metricLoggingExporterIntervalInMills: 10000,
    estimateAccumulation: true,
  };
}

export type BrokerConfig = ReturnType<typeof defaultBrokerConfig>;

/** NettyServerConfig keys a broker.conf may carry (listenPort is the one that matters). */
export function defaultBrokerNettyConfig() {
  return {
    listenPort: 10911,
    bindAddress: '0.0.0.0',
    serverWorkerThreads: 8,
    serverCallbackExecutorThreads: 0,
    serverSelectorThreads: 3,
    serverOnewaySemaphoreValue: 256,
    serverAsyncSemaphoreValue: 64,
    serverChannelMaxIdleTimeSeconds: 120,
    serverSocketSndBufSize: 0,
    serverSocketRcvBufSize: 0,
    writeBufferHighWaterMark: 0,
    writeBufferLowWaterMark: 0,
    serverSocketBacklog: 1024,
    serverPooledByteBufAllocatorEnable: true,
    useEpollNativeSelector: false,
    haListenPort: 10912,
    // NettyClientConfig, which Java also fills from broker.conf and reports in GET_BROKER_CONFIG (mqadmin
    // exportConfigs reads useTLS); the broker's outbound calls (name server, clients) do not use the pool sizes.
    clientWorkerThreads: 4,
    clientCallbackExecutorThreads: os.cpus().length,
    clientOnewaySemaphoreValue: 65535,
    clientAsyncSemaphoreValue: 65535,
    connectTimeoutMillis: 3000,
    channelNotActiveInterval: 60000,
    clientChannelMaxIdleTimeSeconds: 120,
    clientSocketSndBufSize: 0,
    clientSocketRcvBufSize: 0,
    clientPooledByteBufAllocatorEnable: false,
    clientCloseSocketIfTimeout: false,
    useTLS: false,
  };
}

export type BrokerNettyConfig = ReturnType<typeof defaultBrokerNettyConfig>;

export interface BrokerConfigs {
  broker: BrokerConfig;
  store: StoreConfig;
  netty: BrokerNettyConfig;
  /** Keys no config object knows; logged at start. */
  unknownKeys: string[];
  source: string;
}

const STORE_ENUMS: Record<string, string[]> = {
  flushDiskType: ['ASYNC_FLUSH', 'SYNC_FLUSH'],
  brokerRole: ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'],
};

/**
 * Reads broker.conf (java.util.Properties) into the broker, store and netty configs, then applies overrides (the
 * command line). A key no config knows is returned in unknownKeys; a bad value throws a ConfigError naming the key
 * and the file.
 */
export function loadBrokerConfigs(opts: { configFile?: string; overrides?: Map<string, string> }): BrokerConfigs {
  const broker = defaultBrokerConfig();
  const store = defaultStoreConfig();
  const netty = defaultBrokerNettyConfig();
  const unknownKeys: string[] = [];
  const apply = (props: Map<string, string>, source: string) => {
    const a = applyProperties(broker, props, source);
    const b = applyProperties(store, props, source);
    const c = applyProperties(netty, props, source);
    for (const k of props.keys()) if (a.includes(k) && b.includes(k) && c.includes(k)) unknownKeys.push(k);
    for (const [key, allowed] of Object.entries(STORE_ENUMS)) {
      const v = (store as Record<string, unknown>)[key] as string;
      if (props.has(key) && !allowed.includes(v.toUpperCase())) throw new ConfigError(`${source}: ${key}=${v} is not one of ${allowed.join(', ')}`);
      (store as Record<string, unknown>)[key] = v.toUpperCase();
    }
  };
  let source = 'defaults';
  if (opts.configFile) {
    apply(readPropertiesFile(opts.configFile), opts.configFile);
    source = opts.configFile;
  }
  if (opts.overrides && opts.overrides.size > 0) apply(opts.overrides, 'the command line');
  validate(broker, store, netty, source);
  return { broker, store, netty, unknownKeys, source };
}

function validate(broker: BrokerConfig, store: StoreConfig, netty: BrokerNettyConfig, source: string): void {
  const bad = (key: string, why: string) => new ConfigError(`${source}: ${key} ${why}`);
  if (netty.listenPort < 3 || netty.listenPort > 65535) throw bad('listenPort', `=${netty.listenPort} must be between 3 and 65535 (the VIP port is listenPort - 2)`);
  if (!/^[a-zA-Z0-9_%|-]+$/.test(broker.brokerName)) throw bad('brokerName', `=${broker.brokerName} may only hold letters, digits, %, |, - and _`);
  if (store.mappedFileSizeCommitLog < 64 * 1024) throw bad('mappedFileSizeCommitLog', `=${store.mappedFileSizeCommitLog} is below 64 KiB`);
  if (store.maxMessageSize <= 0) throw bad('maxMessageSize', 'must be positive');
  if (broker.brokerId < 0) throw bad('brokerId', 'must be 0 (master) or positive (slave)');
  broker.metricsExporterType = parseExporterType(broker.metricsExporterType, source);
  if (broker.metricsPromExporterPort < 0 || broker.metricsPromExporterPort > 65535) throw bad('metricsPromExporterPort', `=${broker.metricsPromExporterPort} is not a port`);
}
