import os from 'node:os';
import path from 'node:path';
import { readPropertiesFile } from '../common/java-properties';
import { applyProperties } from '../common/typed-config';

/**
 * NamesrvConfig and NettyServerConfig merged, with the keys and defaults of RocketMQ 5.3.3 (a superset of 4.9.8),
 * because GET_NAMESRV_CONFIG and namesrv.conf use them as one flat table. Keys tsmq acts on: listenPort,
 * bindAddress, kvConfigPath, configStorePath, orderMessageEnable, returnOrderTopicConfigToBroker,
 * scanNotActiveBrokerInterval, serverChannelMaxIdleTimeSeconds, serverSocketBacklog, enableAllTopicList,
 * enableTopicList, configBlackList. The thread-pool and Netty buffer keys are accepted and reported so existing
 * files and tools keep working, but have no meaning on one event loop.
 */
export function defaultNamesrvConfig() {
  const home = os.homedir();
  return {
    rocketmqHome: process.env.ROCKETMQ_HOME ?? '',
    kvConfigPath: path.join(home, 'namesrv', 'kvConfig.json'),
    configStorePath: path.join(home, 'namesrv', 'namesrv.properties'),
    productEnvName: 'center',
    clusterTest: false,
    orderMessageEnable: false,
    returnOrderTopicConfigToBroker: true,
    clientRequestThreadPoolNums: 8,
    defaultThreadPoolNums: 16,
    clientRequestThreadPoolQueueCapacity: 50000,
    defaultThreadPoolQueueCapacity: 10000,
    scanNotActiveBrokerInterval: 5000,
    unRegisterBrokerQueueCapacity: 3000,
    supportActingMaster: false,
    enableAllTopicList: true,
    enableTopicList: true,
    notifyMinBrokerIdChanged: false,
    enableControllerInNamesrv: false,
    needWaitForService: false,
    waitSecondsForService: 45,
    deleteTopicWithBrokerRegistration: false,
    configBlackList: 'configBlackList;configStorePath;kvConfigPath',
    bindAddress: '0.0.0.0',
    listenPort: 9876,
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
    serverNettyWorkerGroupEnable: true,
    serverPooledByteBufAllocatorEnable: true,
    enableShutdownGracefully: false,
    shutdownWaitTimeSeconds: 30,
    useEpollNativeSelector: false,
  };
}

/**
 * tsmq's name server metrics keys. Java's name server has no metrics, so these are kept apart from NamesrvConfig:
 * GET_NAMESRV_CONFIG reports exactly Java's keys. PROM serves request latency, connections, brokers and topics at
 * http://metricsPromExporterHost:metricsPromExporterPort/metrics (docs/metrics.md); 5558 so that a broker on the same
 * host keeps Java's 5557.
 */
export function defaultNamesrvMetricsConfig() {
  return {
    metricsExporterType: 'DISABLE',
    metricsPromExporterHost: '0.0.0.0',
    metricsPromExporterPort: 5558,
    metricsLabel: '',
  };
}

export type NamesrvMetricsConfig = ReturnType<typeof defaultNamesrvMetricsConfig>;

export type NamesrvConfig = ReturnType<typeof defaultNamesrvConfig>;

/** Builds the name server config: defaults, then the -c file, then command-line flags. */
export function loadNamesrvConfig(opts: { configFile?: string; overrides: Map<string, string> }): { config: NamesrvConfig; metrics: NamesrvMetricsConfig; unknown: string[] } {
  const config = defaultNamesrvConfig();
  const metrics = defaultNamesrvMetricsConfig();
  let unknown: string[] = [];
  const apply = (props: Map<string, string>, source: string): string[] => {
    const a = applyProperties(config, props, source);
    const b = applyProperties(metrics, props, source);
    return a.filter((k) => b.includes(k));
  };
  if (opts.configFile) unknown = apply(readPropertiesFile(opts.configFile), opts.configFile);
  apply(opts.overrides, 'the command line');
  return { config, metrics, unknown };
}
