import os from 'node:os';
import path from 'node:path';

/**
 * MessageStoreConfig: the store keys of broker.conf with RocketMQ's defaults (4.9.8, plus the 5.x keys that matter
 * to the file format). Keys tsmq reads are listed in README; the rest are accepted for compatibility.
 */
export function defaultStoreConfig() {
  return {
    storePathRootDir: path.join(os.homedir(), 'store'),
    /** Empty: <storePathRootDir>/commitlog. */
    storePathCommitLog: '',
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300000 * 20,
    enableConsumeQueueExt: false,
    flushIntervalCommitLog: 500,
    commitIntervalCommitLog: 200,
    flushCommitLogTimed: true,
    flushIntervalConsumeQueue: 1000,
    cleanResourceInterval: 10000,
    deleteCommitLogFilesInterval: 100,
    deleteConsumeQueueFilesInterval: 100,
    destroyMapedFileIntervalForcibly: 120000,
    redeleteHangedFileInterval: 120000,
    deleteWhen: '04',
    diskMaxUsedSpaceRatio: 75,
    fileReservedTime: 72,
    maxMessageSize: 4 * 1024 * 1024,
    checkCRCOnRecover: true,
    flushCommitLogLeastPages: 4,
    commitCommitLogLeastPages: 4,
    flushConsumeQueueLeastPages: 2,
    flushCommitLogThoroughInterval: 10000,
    commitCommitLogThoroughInterval: 200,
    flushConsumeQueueThoroughInterval: 60000,
    maxTransferBytesOnMessageInMemory: 256 * 1024,
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInDisk: 64 * 1024,
    maxTransferCountOnMessageInDisk: 8,
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
    transientStorePoolEnable: false,
    duplicationEnable: false,
    /**
     * tsmq only: bytes of the newest CommitLog data kept in memory after they are written, so consumers at the tail
     * are served without file reads (Java gets the same from the page cache through its mmap).
     */
    readCacheSizeCommitLog: 64 * 1024 * 1024,
    /** 5.1.0+: V2 magic for topics longer than 127 bytes. */
    autoMessageVersionOnTopicLen: true,
  };
}

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
