import os from 'node:os';
import { ConfigError } from '../common/errors';
import { formatProperties, readPropertiesFile } from '../common/java-properties';
import { applyProperties, javaDoubleString, type ConfigValue } from '../common/typed-config';
import { defaultStoreConfig, STORE_DOUBLE_KEYS, type StoreConfig } from '../store/store-config';
import { parseExporterType } from '../metrics/prometheus-exporter';

/** The first non-internal IPv4 address (Java: NetworkUtil.getLocalAddress), else loopback. */
export function localAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/**
 * BrokerConfig: the broker keys of broker.conf with the defaults of RocketMQ 5.3.3 (a superset of 4.9.8). The keys
 * tsmq acts on come first; acceptedBrokerConfig() holds the rest.
 */
export function defaultBrokerConfig() {
  return {
    /** Reported only (Java reads its log config from there). */
    rocketmqHome: process.env.ROCKETMQ_HOME ?? '',
    /** null (not reported, as Java's null) when neither set nor in NAMESRV_ADDR. */
    namesrvAddr: (process.env.NAMESRV_ADDR ?? null) as string | null,
    /** Blank: the machine's address (localAddress()), both of them, as Java. */
    brokerIP1: '',
    /** The address registered as haServerAddr with haListenPort. */
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
    msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
    traceTopicEnable: false,
    flushConsumerOffsetInterval: 5000,
    rejectTransactionMessage: false,
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    notifyConsumerIdsChangedEnable: true,
    regionId: 'DefaultRegion',
    registerBrokerTimeoutMills: 24000,
    traceOn: true,
    enablePropertyFilter: false,
    registerNameServerPeriod: 30000,
    transactionTimeOut: 6000,
    transactionCheckMax: 15,
    transactionCheckInterval: 30000,
    storeReplyMessageEnable: true,
    configBlackList: 'configBlackList;brokerConfigPath',
    /** 5.x: how long a silent client channel lives (Java: channelExpiredTimeout). */
    channelExpiredTimeout: 120000,
    validateSystemTopicWhenUpdateTopic: true,
    litePullMessageEnable: true,
    /** 5.x timer messages (TIMER_DELIVER_MS, TIMER_DELAY_SEC, TIMER_DELAY_MS); MessageStoreConfig keys in Java. */
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
    estimateAccumulation: true,
    ...acceptedBrokerConfig(),
  };
}

/**
 * BrokerConfig keys (5.3.3) tsmq accepts, reports in GET_BROKER_CONFIG and persists, but does not act on: thread
 * pools and queues (one event loop here), POP, controller mode and slave-acting-master, cold-data flow control, LMQ,
 * split registration, server-side offset reset. Setting one changes nothing in tsmq.
 */
export function acceptedBrokerConfig() {
  const cpus = os.cpus().length;
  const sendMessageThreadPoolNums = Math.min(cpus, 4);
  return {
    brokerConfigPath: null as string | null,
    isBrokerContainer: false,
    isInBrokerContainer: false,
    recoverConcurrently: false,
    messageStorePlugIn: '',
    // thread pools, their queues, and how long a request may wait in one
    sendMessageThreadPoolNums,
    putMessageFutureThreadPoolNums: Math.min(cpus, 4),
    pullMessageThreadPoolNums: 16 + cpus * 2,
    litePullMessageThreadPoolNums: 16 + cpus * 2,
    ackMessageThreadPoolNums: 16,
    processReplyMessageThreadPoolNums: 16 + cpus * 2,
    queryMessageThreadPoolNums: 8 + cpus,
    adminBrokerThreadPoolNums: 16,
    clientManageThreadPoolNums: 32,
    consumerManageThreadPoolNums: 32,
    loadBalanceProcessorThreadPoolNums: 32,
    heartbeatThreadPoolNums: Math.min(32, cpus),
    recoverThreadPoolNums: 32,
    endTransactionThreadPoolNums: Math.max(8 + cpus * 2, sendMessageThreadPoolNums * 4),
    sendThreadPoolQueueCapacity: 10000,
    putThreadPoolQueueCapacity: 10000,
    pullThreadPoolQueueCapacity: 100000,
    litePullThreadPoolQueueCapacity: 100000,
    ackThreadPoolQueueCapacity: 100000,
    replyThreadPoolQueueCapacity: 10000,
    queryThreadPoolQueueCapacity: 20000,
    clientManagerThreadPoolQueueCapacity: 1000000,
    consumerManagerThreadPoolQueueCapacity: 1000000,
    heartbeatThreadPoolQueueCapacity: 50000,
    endTransactionPoolQueueCapacity: 100000,
    adminBrokerThreadPoolQueueCapacity: 10000,
    loadBalanceThreadPoolQueueCapacity: 100000,
    brokerFastFailureEnable: true,
    waitTimeMillsInSendQueue: 200,
    waitTimeMillsInPullQueue: 5000,
    waitTimeMillsInLitePullQueue: 5000,
    waitTimeMillsInHeartbeatQueue: 31000,
    waitTimeMillsInTransactionQueue: 3000,
    waitTimeMillsInAckQueue: 3000,
    waitTimeMillsInAdminBrokerQueue: 5000,
    /** Reported in runtime info; tsmq accepts sends from the start. */
    startAcceptSendRequestTimeStamp: 0,
    // name server and registration
    fetchNameSrvAddrByDnsLookup: false,
    fetchNamesrvAddrByAddressServer: false,
    fetchNamesrvAddrInterval: 10000,
    updateNameServerAddrPeriod: 120000,
    compressedRegister: false,
    forceRegister: true,
    enableSplitRegistration: false,
    splitRegistrationSize: 800,
    enableSingleTopicRegister: false,
    compatibleWithOldNameSrv: true,
    sendHeartbeatTimeoutMillis: 1000,
    brokerHeartbeatInterval: 1000,
    brokerNotActiveTimeoutMillis: 10000,
    skipPreOnline: false,
    // consumption, filters, stats
    flushConsumerOffsetHistoryInterval: 60000,
    highSpeedMode: false,
    commercialBaseCount: 1,
    commercialSizePerMsg: 4 * 1024,
    accountStatsEnable: true,
    accountStatsPrintZeroValues: true,
    maxStatsIdleTimeInMinutes: -1,
    transferMsgByHeap: true,
    slaveReadEnable: false,
    disableConsumeIfConsumerReadSlowly: false,
    consumerFallbehindThreshold: 16 * 1024 * 1024 * 1024,
    rejectPullConsumerEnable: false,
    enableCalcFilterBitMap: false,
    expectConsumerNumUseFilter: 32,
    maxErrorRateOfBloomFilter: 20,
    filterDataCleanTimeSpan: 24 * 3600 * 1000,
    filterSupportRetry: false,
    enableNetWorkFlowControl: false,
    enableBroadcastOffsetStore: true,
    broadcastOffsetExpireSecond: 2 * 60,
    broadcastOffsetExpireMaxSecond: 5 * 60,
    realTimeNotifyConsumerChange: true,
    useStaticSubscription: false,
    subscriptionExpiredTimeout: 10 * 60 * 1000,
    consumerOffsetUpdateVersionStep: 500,
    delayOffsetUpdateVersionStep: 200,
    lockInStrictMode: false,
    /**
     * 5.x: true, the broker commits a reset itself and hands it to each queue's next pull; false, it pushes the reset to
     * the online consumers (RESET_CONSUMER_CLIENT_OFFSET), 4.x's way.
     */
    useServerSideResetOffset: true,
    aclEnable: false,
    enableDetailStat: true,
    autoDeleteUnusedStats: true,
    enableLmqStats: false,
    printChannelGroups: false,
    printChannelGroupsMinNum: 5,
    enableFastChannelEventProcess: false,
    enableRegisterProducer: true,
    enableCreateSysGroup: true,
    enableMixedMessageType: false,
    clearRetryTopicWhenDeleteTopic: true,
    transactionMetricFlushInterval: 3000,
    transactionOpMsgMaxSize: 4096,
    transactionOpBatchInterval: 3000,
    allowRecallWhenBrokerNotWriteable: true,
    recallMessageEnable: false,
    configManagerVersion: 'v1',
    isolateLogEnable: false,
    // POP consumption (tsmq creates the revive topic with reviveQueueNum queues, as Java does, but serves no POP)
    popPollingSize: 1024,
    popPollingMapSize: 100000,
    maxPopPollingSize: 100000,
    reviveQueueNum: 8,
    reviveInterval: 1000,
    reviveMaxSlow: 3,
    reviveScanTime: 10000,
    enableSkipLongAwaitingAck: false,
    reviveAckWaitMs: 3 * 60 * 1000,
    enablePopLog: false,
    enablePopBufferMerge: false,
    popCkStayBufferTime: 10000,
    popCkStayBufferTimeOut: 3000,
    popCkMaxBufferSize: 200000,
    popCkOffsetMaxQueueSize: 20000,
    enablePopBatchAck: false,
    popLongPollingForceNotifyInterval: 800,
    enableNotifyBeforePopCalculateLag: true,
    enableNotifyAfterPopOrderLockRelease: true,
    initPopOffsetByCheckMsgInMem: true,
    retrieveMessageFromPopRetryTopicV1: true,
    enableRetryTopicV2: false,
    popFromRetryProbability: 20,
    popConsumerFSServiceInit: true,
    popConsumerKVServiceLog: false,
    popConsumerKVServiceInit: false,
    popConsumerKVServiceEnable: false,
    popReviveMaxReturnSizePerRead: 16 * 1024,
    popReviveMaxAttemptTimes: 16,
    popResponseReturnActualRetryTopic: false,
    popInflightMessageThreshold: 10000,
    enablePopMessageThreshold: false,
    skipWhenCKRePutReachMaxTimes: false,
    appendAckAsync: false,
    appendCkAsync: false,
    /** PULL or POP. */
    defaultMessageRequestMode: 'PULL',
    defaultPopShareQueueNum: -1,
    // proxy-side load balancing, broker members, slave acting master, controller mode
    syncBrokerMemberGroupPeriod: 1000,
    loadBalancePollNameServerInterval: 30000,
    cleanOfflineBrokerInterval: 30000,
    serverLoadBalancerEnable: true,
    forwardTimeout: 3000,
    enableSlaveActingMaster: false,
    enableRemoteEscape: false,
    asyncSendEnable: true,
    enableControllerMode: false,
    controllerAddr: '',
    fetchControllerAddrByDnsLookup: false,
    syncBrokerMetadataPeriod: 5000,
    checkSyncStateSetPeriod: 5000,
    syncControllerMetadataPeriod: 10000,
    controllerHeartBeatTimeoutMills: 10000,
    brokerElectionPriority: 2147483647,
    // cold-data read flow control
    coldCtrStrategyEnable: false,
    usePIDColdCtrStrategy: true,
    cgColdReadThreshold: 3 * 1024 * 1024,
    globalColdReadThreshold: 100 * 1024 * 1024,
    // metrics exporters tsmq does not serve (it serves PROM)
    metricsGrpcExporterTarget: '',
    metricsGrpcExporterHeader: '',
    metricGrpcExporterTimeOutInMills: 3000,
    metricGrpcExporterIntervalInMills: 60000,
    metricLoggingExporterIntervalInMills: 10000,
  };
}

export type BrokerConfig = ReturnType<typeof defaultBrokerConfig>;

/**
 * NettyServerConfig and NettyClientConfig keys a broker.conf may carry; Java fills both from it and reports both in
 * GET_BROKER_CONFIG (mqadmin exportConfigs reads useTLS). tsmq acts on listenPort, bindAddress and
 * serverChannelMaxIdleTimeSeconds; the rest are accepted and reported only (one event loop, no Netty).
 */
export function defaultBrokerNettyConfig() {
  return {
    listenPort: 10911,
    bindAddress: '0.0.0.0',
    serverChannelMaxIdleTimeSeconds: 120,
    // accepted, not acted on
    serverWorkerThreads: 8,
    serverCallbackExecutorThreads: 0,
    serverSelectorThreads: 3,
    serverOnewaySemaphoreValue: 256,
    serverAsyncSemaphoreValue: 64,
    serverSocketSndBufSize: 0,
    serverSocketRcvBufSize: 0,
    writeBufferHighWaterMark: 0,
    writeBufferLowWaterMark: 0,
    serverSocketBacklog: 1024,
    serverNettyWorkerGroupEnable: true,
    serverPooledByteBufAllocatorEnable: true,
    enableShutdownGracefully: false,
    shutdownWaitTimeSeconds: 30,
    useEpollNativeSelector: false,
    clientWorkerThreads: 4,
    clientCallbackExecutorThreads: os.cpus().length,
    clientOnewaySemaphoreValue: 65535,
    clientAsyncSemaphoreValue: 65535,
    connectTimeoutMillis: 3000,
    channelNotActiveInterval: 60000,
    isScanAvailableNameSrv: true,
    clientChannelMaxIdleTimeSeconds: 120,
    clientSocketSndBufSize: 0,
    clientSocketRcvBufSize: 0,
    clientPooledByteBufAllocatorEnable: false,
    clientCloseSocketIfTimeout: true,
    useTLS: false,
    socksProxyConfig: '{}',
    disableCallbackExecutor: false,
    disableNettyWorkerGroup: false,
    maxReconnectIntervalTimeSeconds: 60,
    enableReconnectForGoAway: true,
  };
}

export type BrokerNettyConfig = ReturnType<typeof defaultBrokerNettyConfig>;

/**
 * 4.9 keys 5.x dropped. A broker.conf may still carry them: they are taken without an "unknown key" warning and, as
 * any file key no config class has, reported back as written (Java: Configuration#registerConfig(Properties)).
 */
export const LEGACY_BROKER_KEYS: ReadonlySet<string> = new Set([
  'commercialEnable',
  'commercialTimerCount',
  'commercialTransCount',
  'commercialBigCount',
  'filterServerNums',
  'maxDelayTime',
  'haSlaveFallbehindMax',
  'isEnableBatchPush',
]);

export interface BrokerConfigs {
  broker: BrokerConfig;
  store: StoreConfig;
  netty: BrokerNettyConfig;
  /**
   * Keys of the config file that no config object has (4.9 keys included), with the file's text: Java keeps every
   * file key and reports these back as written (Configuration#registerConfig(Properties)).
   */
  fileOnly: Map<string, string>;
  /** Keys no config object knows and that are not 4.9 keys; logged at start. */
  unknownKeys: string[];
  source: string;
}

type ConfigTargets = Pick<BrokerConfigs, 'broker' | 'store' | 'netty'>;

/** Keys whose value must be one of Java's enum names (Java: valueOf), upper-cased. */
const ENUMS: Array<{ key: string; in: 'broker' | 'store'; allowed: string[] }> = [
  { key: 'flushDiskType', in: 'store', allowed: ['ASYNC_FLUSH', 'SYNC_FLUSH'] },
  { key: 'brokerRole', in: 'store', allowed: ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'] },
  { key: 'defaultMessageRequestMode', in: 'broker', allowed: ['PULL', 'POP'] },
];

/**
 * Sets every key of `props` that a config object has, as Java sets them on BrokerConfig, NettyServerConfig,
 * NettyClientConfig and MessageStoreConfig alike; returns the keys none has. A bad value throws a ConfigError naming
 * the key and `source`, before anything is changed.
 */
export function applyBrokerProperties(c: ConfigTargets, props: Map<string, string>, source: string): string[] {
  const apply = (t: ConfigTargets): string[] => {
    const a = applyProperties(t.broker, props, source);
    const b = applyProperties(t.store, props, source, STORE_DOUBLE_KEYS);
    const n = applyProperties(t.netty, props, source);
    for (const e of ENUMS) {
      if (!props.has(e.key)) continue;
      const obj = t[e.in] as Record<string, unknown>;
      const v = String(obj[e.key]).toUpperCase();
      if (!e.allowed.includes(v)) throw new ConfigError(`${source}: ${e.key}=${String(obj[e.key])} is not one of ${e.allowed.join(', ')}`);
      obj[e.key] = v;
    }
    return [...props.keys()].filter((k) => a.includes(k) && b.includes(k) && n.includes(k));
  };
  apply({ broker: { ...c.broker }, store: { ...c.store }, netty: { ...c.netty } });
  return apply(c);
}

/**
 * Reads broker.conf (java.util.Properties) into the broker, store and netty configs, then applies overrides (the
 * command line), then derives what Java's BrokerStartup derives. A key no config knows is returned in unknownKeys
 * (4.9 keys are taken silently); a bad value throws a ConfigError naming the key and the file.
 */
export function loadBrokerConfigs(opts: { configFile?: string; overrides?: Map<string, string> }): BrokerConfigs {
  const c: ConfigTargets = { broker: defaultBrokerConfig(), store: defaultStoreConfig(), netty: defaultBrokerNettyConfig() };
  const unknownKeys: string[] = [];
  const fileOnly = new Map<string, string>();
  let source = 'defaults';
  if (opts.configFile) {
    const props = readPropertiesFile(opts.configFile);
    for (const k of applyBrokerProperties(c, props, opts.configFile)) {
      fileOnly.set(k, props.get(k)!.trim());
      if (!LEGACY_BROKER_KEYS.has(k)) unknownKeys.push(k);
    }
    source = opts.configFile;
  }
  if (opts.overrides && opts.overrides.size > 0) {
    for (const k of applyBrokerProperties(c, opts.overrides, 'the command line')) if (!LEGACY_BROKER_KEYS.has(k)) unknownKeys.push(k);
  }
  deriveStartupValues(c);
  validate(c.broker, c.store, c.netty, source);
  return { ...c, fileOnly, unknownKeys, source };
}

/** What Java sets after reading broker.conf (BrokerStartup#buildBrokerController, ConsumerFilterManager). */
function deriveStartupValues({ broker, store, netty }: ConfigTargets): void {
  if (!broker.brokerIP1) broker.brokerIP1 = localAddress();
  if (!broker.brokerIP2) broker.brokerIP2 = localAddress();
  if (store.haListenPort <= 0) store.haListenPort = netty.listenPort + 1;
  if (store.brokerRole === 'SLAVE') store.accessMessageInMemoryMaxRatio -= 10;
  const bits = bloomFilterBits(broker.maxErrorRateOfBloomFilter, broker.expectConsumerNumUseFilter);
  if (bits !== undefined) store.bitMapLengthConsumeQueueExt = bits;
}

/**
 * The bit count of Java's BloomFilter for an error rate of f % and n members, rounded up to whole bytes; undefined
 * where Java's constructor would refuse the arguments.
 */
export function bloomFilterBits(f: number, n: number): number | undefined {
  if (f < 1 || f >= 100 || n < 1) return undefined;
  const errorRate = f / 100;
  const logMN = (m: number, x: number) => Math.log(x) / Math.log(m);
  const m = Math.ceil(n * logMN(2, 1 / errorRate) * logMN(2, Math.E));
  return 8 * Math.ceil(m / 8);
}

/**
 * The GET_BROKER_CONFIG body (Java: Configuration#getAllConfigsFormatString): the file's own keys, then every key of
 * the broker, netty and store configs; nulls left out, doubles written as Java writes them.
 */
export function brokerConfigText(c: ConfigTargets & { fileOnly?: Map<string, string> }): string {
  const store = Object.entries(c.store).map(([k, v]): [string, ConfigValue] => [k, STORE_DOUBLE_KEYS.has(k) && typeof v === 'number' ? javaDoubleString(v) : v]);
  return formatProperties([...(c.fileOnly ?? []), ...Object.entries(c.broker), ...Object.entries(c.netty), ...store]);
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
