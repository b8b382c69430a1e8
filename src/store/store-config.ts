import os from 'node:os';
import path from 'node:path';

/**
 * MessageStoreConfig: the store keys of broker.conf with the defaults of RocketMQ 5.3.3 (a superset of 4.9.8). The
 * keys tsmq acts on come first and are listed in README; acceptedStoreConfig() holds the rest.
 */
export function defaultStoreConfig() {
  return {
    storePathRootDir: path.join(os.homedir(), 'store'),
    /** null: <storePathRootDir>/commitlog (commitLogDir()); Java reports the key only when it is set. */
    storePathCommitLog: null as string | null,
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300000 * 20,
    flushIntervalCommitLog: 500,
    flushIntervalConsumeQueue: 1000,
    cleanResourceInterval: 10000,
    deleteWhen: '04',
    diskMaxUsedSpaceRatio: 75,
    fileReservedTime: 72,
    maxMessageSize: 4 * 1024 * 1024,
    checkCRCOnRecover: true,
    flushCommitLogLeastPages: 4,
    flushCommitLogThoroughInterval: 10000,
    maxTransferBytesOnMessageInMemory: 256 * 1024,
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInDisk: 64 * 1024,
    maxTransferCountOnMessageInDisk: 8,
    /** A SLAVE gets 10 less at start (Java: BrokerStartup). */
    accessMessageInMemoryMaxRatio: 40,
    messageIndexEnable: true,
    maxHashSlotNum: 5000000,
    maxIndexNum: 5000000 * 4,
    maxMsgsNumBatch: 64,
    messageIndexSafe: false,
    brokerRole: 'ASYNC_MASTER',
    flushDiskType: 'ASYNC_FLUSH',
    syncFlushTimeout: 5000,
    messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
    cleanFileForciblyEnable: true,
    diskSpaceWarningLevelRatio: 90,
    diskSpaceCleanForciblyRatio: 85,
    deleteFileBatchMax: 10,
    defaultQueryMaxNum: 32,
    /** 0 or less: listenPort + 1 (Java: BrokerStartup). tsmq serves no HA; it registers brokerIP2:haListenPort. */
    haListenPort: 0,
    /**
     * tsmq only: bytes of the newest CommitLog data kept in memory after they are written, so consumers at the tail
     * are served without file reads (Java gets the same from the page cache through its mmap).
     */
    readCacheSizeCommitLog: 64 * 1024 * 1024,
    ...acceptedStoreConfig(),
  };
}

/**
 * MessageStoreConfig keys (5.3.3) tsmq accepts, reports in GET_BROKER_CONFIG and persists, but does not act on: Java
 * mmap and flush tuning, consume-queue ext, DLedger and HA replication, timer wheel internals, LMQ, compaction,
 * RocksDB, cold data. Setting one changes nothing in tsmq.
 */
export function acceptedStoreConfig() {
  return {
    // paths Java starts as null and reports only once set; the getters derive the first three from storePathRootDir
    storePathDLedgerCommitLog: null as string | null,
    storePathEpochFile: null as string | null,
    storePathBrokerIdentity: null as string | null,
    readOnlyCommitLogStorePaths: null as string | null,
    // files, flush, commit, clean-up
    enableConsumeQueueExt: false,
    mappedFileSizeConsumeQueueExt: 48 * 1024 * 1024,
    mapperFileSizeBatchConsumeQueue: 300000 * 46,
    /** Java sets it at start to the bloom filter's bit count for maxErrorRateOfBloomFilter and expectConsumerNumUseFilter. */
    bitMapLengthConsumeQueueExt: 64,
    commitIntervalCommitLog: 200,
    flushCommitLogTimed: true,
    maxRecoveryCommitlogFiles: 30,
    useReentrantLockWhenPutMessage: true,
    deleteCommitLogFilesInterval: 100,
    deleteConsumeQueueFilesInterval: 100,
    destroyMapedFileIntervalForcibly: 120000,
    redeleteHangedFileInterval: 120000,
    putMsgIndexHightWater: 600000,
    maxFilterMessageSize: 16000,
    commitCommitLogLeastPages: 4,
    flushLeastPagesWhenWarmMapedFile: (1024 / 4) * 16,
    flushConsumeQueueLeastPages: 2,
    commitCommitLogThoroughInterval: 200,
    flushConsumeQueueThoroughInterval: 60000,
    putMessageTimeout: 8000,
    flushDelayOffsetInterval: 10000,
    warmMapedFileEnable: false,
    debugLockEnable: false,
    duplicationEnable: false,
    diskFallRecorded: true,
    osPageCacheBusyTimeOutMills: 1000,
    transientStorePoolEnable: false,
    transientStorePoolSize: 5,
    fastFailIfNoBufferInStorePool: false,
    enableScheduleMessageStats: true,
    enableScheduleAsyncDeliver: false,
    scheduleAsyncDeliverMaxPendingLimit: 2000,
    scheduleAsyncDeliverMaxResendNum2Blocked: 3,
    maxBatchDeleteFilesNum: 50,
    dispatchCqThreads: 10,
    dispatchCqCacheNum: 1024 * 4,
    enableAsyncReput: true,
    recheckReputOffsetFromCq: false,
    maxTopicLength: 127,
    /** 5.1.0+: V2 magic for topics longer than 127 bytes; tsmq always does so. */
    autoMessageVersionOnTopicLen: true,
    enabledAppendPropCRC: false,
    forceVerifyPropCRC: false,
    travelCqFileNumWhenGetMessage: 1,
    correctLogicMinOffsetSleepInterval: 1,
    correctLogicMinOffsetForceInterval: 5 * 60 * 1000,
    mappedFileSwapEnable: true,
    commitLogForceSwapMapInterval: 12 * 60 * 60 * 1000,
    commitLogSwapMapInterval: 60 * 60 * 1000,
    commitLogSwapMapReserveFileNum: 100,
    logicQueueForceSwapMapInterval: 12 * 60 * 60 * 1000,
    logicQueueSwapMapInterval: 60 * 60 * 1000,
    cleanSwapedMapInterval: 5 * 60 * 1000,
    logicQueueSwapMapReserveFileNum: 20,
    searchBcqByCacheEnable: true,
    dispatchFromSenderThread: false,
    wakeCommitWhenPutMessage: true,
    wakeFlushWhenPutMessage: false,
    enableCleanExpiredOffset: false,
    maxAsyncPutMessageRequests: 5000,
    pullBatchMaxMessageCount: 160,
    maxChecksumRange: 1024 * 1024 * 1024,
    replicasPerDiskPartition: 1,
    logicalDiskSpaceCleanForciblyThreshold: 0.8,
    maxConsumeQueueScan: 20000,
    sampleCountThreshold: 5000,
    sampleSteps: 32,
    accessMessageInMemoryHotRatio: 26,
    enableBuildConsumeQueueConcurrently: false,
    batchDispatchRequestThreadPoolNums: 16,
    topicQueueLockNum: 32,
    readUnCommitted: false,
    putConsumeQueueDataByFileChannel: true,
    spinLockCollisionRetreatOptimalDegree: 1000,
    useABSLock: false,
    // HA replication, DLedger
    haSendHeartbeatInterval: 5000,
    haHousekeepingInterval: 20000,
    haTransferBatchSize: 32 * 1024,
    haMasterAddress: null as string | null,
    haMaxGapNotInSync: 256 * 1024 * 1024,
    slaveTimeout: 3000,
    offsetCheckInSlave: false,
    totalReplicas: 1,
    inSyncReplicas: 1,
    minInSyncReplicas: 1,
    allAckInSyncStateSet: false,
    enableAutoInSyncReplicas: false,
    haFlowControlEnable: false,
    maxHaTransferByteInSecond: 100 * 1024 * 1024,
    haMaxTimeSlaveNotCatchup: 15000,
    syncMasterFlushOffsetWhenStartup: false,
    maxSlaveResendLength: 256 * 1024 * 1024,
    syncFromLastFile: false,
    asyncLearner: false,
    enableDLegerCommitLog: false,
    dLegerGroup: null as string | null,
    dLegerPeers: null as string | null,
    dLegerSelfId: null as string | null,
    preferredLeaderId: null as string | null,
    enableBatchPush: false,
    // timer wheel internals (tsmq's timer service reads timerWheelEnable, timerPrecisionMs, timerMaxDelaySec only)
    mappedFileSizeTimerLog: 100 * 1024 * 1024,
    timerRollWindowSlot: 3600 * 24 * 2,
    timerFlushIntervalMs: 1000,
    timerGetMessageThreadNum: 3,
    timerPutMessageThreadNum: 3,
    timerEnableDisruptor: false,
    timerEnableCheckMetrics: true,
    timerInterceptDelayLevel: false,
    disappearTimeAfterStart: -1,
    timerStopEnqueue: false,
    timerCheckMetricsWhen: '05',
    timerSkipUnknownError: false,
    timerWarmEnable: false,
    timerStopDequeue: false,
    timerEnableRetryUntilSuccess: false,
    timerCongestNumEachSlot: 2147483647,
    timerMetricSmallThreshold: 1000000,
    timerProgressLogIntervalMs: 10000,
    timerColdDataCheckIntervalMs: 60000,
    // LMQ, compaction, RocksDB consume queue, cold data
    enableLmq: false,
    enableMultiDispatch: false,
    maxLmqConsumeQueueNum: 20000,
    compactionMappedFileSize: 100 * 1024 * 1024,
    compactionCqMappedFileSize: 10 * 1024 * 1024,
    compactionScheduleInternal: 15 * 60 * 1000,
    maxOffsetMapSize: 100 * 1024 * 1024,
    compactionThreadNum: 6,
    enableCompaction: true,
    storeType: 'default',
    cleanRocksDBDirtyCQIntervalMin: 60,
    statRocksDBCQIntervalSec: 10,
    memTableFlushIntervalMs: 60 * 60 * 1000,
    realTimePersistRocksDBConfig: true,
    enableRocksDBLog: false,
    rocksdbCQDoubleWriteEnable: false,
    bottomMostCompressionTypeForConsumeQueueStore: 'zstd',
    rocksdbCompressionType: 'lz4',
    rocksdbFlushWalFrequency: 1024,
    rocksdbWalFileRollingThreshold: 1024 * 1024 * 1024,
    coldDataFlowControlEnable: false,
    coldDataScanEnable: false,
    dataReadAheadEnable: true,
  };
}

/** Store keys that are Java doubles. */
export const STORE_DOUBLE_KEYS: ReadonlySet<string> = new Set(['logicalDiskSpaceCleanForciblyThreshold']);

export type StoreConfig = ReturnType<typeof defaultStoreConfig>;

export function commitLogDir(c: StoreConfig): string {
  return c.storePathCommitLog || path.join(c.storePathRootDir, 'commitlog');
}

/**
 * Bytes at the end of the CommitLog taken to be in the page cache: accessMessageInMemoryMaxRatio % of RAM, Java's
 * rule for telling hot data from cold.
 */
export function hotCommitLogBytes(c: StoreConfig): number {
  return Math.floor(os.totalmem() * (c.accessMessageInMemoryMaxRatio / 100));
}

/** Java rounds the ConsumeQueue file size up to a whole number of 20-byte units. */
export function consumeQueueFileSize(c: StoreConfig): number {
  return Math.ceil(c.mappedFileSizeConsumeQueue / 20) * 20;
}

/** messageDelayLevel -> milliseconds per level (index 0 = level 1). Units s, m, h, d as in Java. */
export function parseDelayLevels(spec: string): number[] {
  const unit: Record<string, number> = { s: 1000, m: 60000, h: 3600000, d: 86400000 };
  return spec
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((item) => {
      const u = unit[item.slice(-1)];
      const n = Number(item.slice(0, -1));
      if (u === undefined || !Number.isFinite(n)) throw new Error(`bad messageDelayLevel item "${item}"`);
      return n * u;
    });
}
