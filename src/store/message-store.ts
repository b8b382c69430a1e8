import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../common/logger';
import { readInt64 } from '../common/int64';
import { CommitLog, type DispatchHints } from './commit-log';
import { CQ_STORE_UNIT_SIZE } from './consume-queue';
import { ConsumeQueueStore } from './consume-queue-store';
import { GetMessageStatus, type GetMessageResult, type MessageFilter } from './get-message-result';
import { IndexService } from './index-service';
import type { DispatchRequest, MessageExt, MessageExtBatch, MessageExtBrokerInner } from './message-ext';
import { decodeMessage, tagsString2tagsCode, type CheckOptions } from './message-decoder';
import { MessageConst, parseProperties } from './message-properties';
import { consumesQueueOffset } from './message-sys-flag';
import { PutMessageStatus, type PutMessageResult } from './put-message-result';
import { StoreCheckpoint } from './store-checkpoint';
import { commitLogDir, consumeQueueFileSize, hotCommitLogBytes, parseDelayLevels, type StoreConfig } from './store-config';

export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';


/** Called when a message becomes readable (long polling wakes on it). */
export type MessageArrivingListener = (topic: string, queueId: number, logicOffset: number, tagsCode: number, storeTimestamp: number) => void;

export interface QueryMessageResult {
  messages: Buffer[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

/**
 * The message store (Java: DefaultMessageStore): CommitLog, ConsumeQueues, IndexFiles, checkpoint and abort file,
 * recovery at load, dispatch, reads and retention.
 */
export class MessageStore {
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueStore;
  readonly index: IndexService;
  readonly checkpoint: StoreCheckpoint;
  private readonly abortFile: string;
  private readonly delayLevels: number[];
  private readonly arrivingListeners: MessageArrivingListener[] = [];
  private timers: NodeJS.Timeout[] = [];
  private cqCommitScheduled = false;
  private cqCommitting: Promise<void> | undefined;
  /** Store time of the newest record whose CQ unit reached the page cache (checkpoint logicsMsgTimestamp). */
  private dispatchedStoreTimestamp = 0;
  private started = false;
  private shuttingDown = false;
  lastExitOK = true;
  /** Set when disk use passes diskSpaceWarningLevelRatio: writes are refused until space is freed. */
  diskFull = false;
  private readonly memoryForHotData: number;

  constructor(
    readonly config: StoreConfig,
    private readonly logger: Logger,
  ) {
    const root = config.storePathRootDir;
    this.delayLevels = parseDelayLevels(config.messageDelayLevel);
    this.commitLog = new CommitLog(
      commitLogDir(config),
      config,
      { onCommitted: (ds) => this.onCommitted(ds), onFlushed: (ts) => this.onCommitLogFlushed(ts) },
      logger,
      (level, ts) => ts + this.delayMillis(level),
    );
    // A unit is 20 bytes against CommitLog records of 100+: an eighth of the CommitLog's hot window is generous.
    this.consumeQueues = new ConsumeQueueStore(path.join(root, 'consumequeue'), consumeQueueFileSize(config), logger, Math.floor(hotCommitLogBytes(config) / 8));
    this.checkpoint = new StoreCheckpoint(path.join(root, 'checkpoint'));
    this.index = new IndexService(path.join(root, 'index'), config.maxHashSlotNum, config.maxIndexNum, logger, (ts) => {
      this.checkpoint.indexMsgTimestamp = ts;
    });
    this.abortFile = path.join(root, 'abort');
    this.memoryForHotData = hotCommitLogBytes(config);
  }

  /** Milliseconds of a delay level (clamped to the table, as Java does). */
  delayMillis(level: number): number {
    const l = Math.min(Math.max(level, 1), this.delayLevels.length);
    return this.delayLevels[l - 1] ?? 1000;
  }

  get maxDelayLevel(): number {
    return this.delayLevels.length;
  }

  /** tagsCode of a record: a tag hash, or for a delayed record in SCHEDULE_TOPIC_XXXX its deliver time. */
  readonly tagsCodeOf = (topic: string, tags: string | undefined, properties: Map<string, string>, storeTimestamp: number): number => {
    if (topic === SCHEDULE_TOPIC) {
      const delay = properties.get(MessageConst.DELAY);
      if (delay !== undefined) {
        const level = Math.min(Number.parseInt(delay, 10) || 0, this.delayLevels.length);
        if (level > 0) return storeTimestamp + this.delayMillis(level);
      }
    }
    return tagsString2tagsCode(tags);
  };

  onMessageArriving(listener: MessageArrivingListener): void {
    this.arrivingListeners.push(listener);
  }

  /** Loads and recovers the store (Java: load + recover). Safe on an empty or missing directory. */
  async load(): Promise<void> {
    const root = this.config.storePathRootDir;
    await fsp.mkdir(root, { recursive: true });
    this.lastExitOK = !fs.existsSync(this.abortFile);
    await this.commitLog.queue.load();
    await this.consumeQueues.load();
    await this.checkpoint.load();
    await this.index.load(this.lastExitOK, this.checkpoint.indexMsgTimestamp);
    for (const cq of this.consumeQueues.all()) await cq.recover();
    await this.recoverCommitLog();
    if (this.config.messageIndexEnable) await this.index.prepare();
    this.logger.info('store loaded', {
      root,
      lastExitOK: this.lastExitOK,
      commitLogFiles: this.commitLog.queue.files.length,
      minOffset: this.commitLog.minOffset,
      maxOffset: this.commitLog.maxOffset,
      consumeQueues: [...this.consumeQueues.all()].length,
    });
  }

  private checkOptions(checkCRC: boolean): CheckOptions {
    return { checkCRC, tagsCode: this.tagsCodeOf };
  }

  private async recoverCommitLog(): Promise<void> {
    const files = this.commitLog.queue.files;
    let end = 0;
    if (files.length > 0) {
      const checkCRC = this.config.checkCRCOnRecover;
      if (this.lastExitOK) {
        end = await this.commitLog.scan(Math.max(0, files.length - 3), this.checkOptions(checkCRC));
      } else {
        // Start at the newest file whose first record is older than what the checkpoint says is durable.
        const min = this.checkpoint.minTimestamp(this.config.messageIndexEnable && this.config.messageIndexSafe);
        let start = 0;
        for (let i = files.length - 1; i >= 0; i--) {
          const ts = await this.commitLog.firstStoreTimestamp(i);
          if (ts !== undefined && ts <= min) {
            start = i;
            break;
          }
        }
        this.logger.warn('the last shutdown was not clean: recovering from the CommitLog', { startFile: files[start]?.fileName });
        end = await this.commitLog.scan(start, this.checkOptions(checkCRC), (d) => this.dispatch(d));
      }
    }
    const before = this.commitLog.queue.files.length > 0 ? this.commitLog.queue.files[this.commitLog.queue.files.length - 1]!.fileFromOffset + this.config.mappedFileSizeCommitLog : 0;
    if (this.consumeQueues.maxPhysicOffset() >= end) {
      for (const cq of this.consumeQueues.all()) if (cq.maxPhysicOffset >= end) await cq.truncateDirtyLogicFiles(end);
    }
    await this.commitLog.truncateTo(end);
    if (before > end) this.logger.info('CommitLog valid data ends', { offset: end });
    // Queue offsets continue from the ConsumeQueues.
    for (const cq of this.consumeQueues.all()) {
      this.commitLog.topicQueueTable.set(`${cq.topic}-${cq.queueId}`, cq.maxOffsetInQueue);
      await cq.correctMinOffset(this.commitLog.minOffset);
    }
    // Dispatch what the ConsumeQueues and the index miss (Java: the reput service catching up before serving).
    const from = Math.max(this.commitLog.minOffset, this.consumeQueues.maxPhysicOffset(), 0);
    if (from < end && files.length > 0) {
      const fileIndex = this.commitLog.queue.files.findIndex((f) => from >= f.fileFromOffset && from < f.fileFromOffset + this.config.mappedFileSizeCommitLog);
      let n = 0;
      await this.commitLog.scan(Math.max(0, fileIndex), this.checkOptions(false), (d) => {
        if (d.commitLogOffset >= from) {
          this.dispatch(d);
          n++;
        }
      });
      if (n > 0) this.logger.info('dispatched records the ConsumeQueues lacked', { records: n, from });
    }
    await this.consumeQueues.commitDirty();
    await this.index.whenIndexed();
  }

  /** Builds the ConsumeQueue unit and index entries of one record, during recovery or after a commit. */
  private dispatch(d: DispatchRequest): void {
    if (consumesQueueOffset(d.sysFlag)) {
      const cq = this.consumeQueues.findOrCreate(d.topic, d.queueId);
      cq.putMessagePositionInfo(d.commitLogOffset, d.msgSize, d.tagsCode, d.consumeQueueOffset, d.storeTimestamp);
      this.consumeQueues.markDirty(cq);
      const key = `${d.topic}-${d.queueId}`;
      const next = d.consumeQueueOffset + 1;
      if ((this.commitLog.topicQueueTable.get(key) ?? 0) < next) this.commitLog.topicQueueTable.set(key, next);
    }
    if (this.config.messageIndexEnable) this.index.buildIndex(d);
  }

  private onCommitted(dispatches: DispatchRequest[]): void {
    for (const d of dispatches) {
      this.dispatch(d);
      if (consumesQueueOffset(d.sysFlag)) {
        for (const l of this.arrivingListeners) l(d.topic, d.queueId, d.consumeQueueOffset + 1, d.tagsCode, d.storeTimestamp);
      }
    }
    this.scheduleCqCommit();
  }

  /**
   * ConsumeQueue units reach the files 10 ms after the first unit of a batch rather than after every CommitLog round:
   * readers are served from the queues' memory until then, and at 25k messages/s a commit per round was 8 writes
   * per round (one per queue) against 1 for the CommitLog. A crash loses nothing: recovery rebuilds the units from
   * the CommitLog. Every dirty queue is written in one turn, so the queues always end at the same round.
   */
  private scheduleCqCommit(): void {
    if (this.cqCommitScheduled) return;
    this.cqCommitScheduled = true;
    setTimeout(() => {
      this.cqCommitScheduled = false;
      void this.commitConsumeQueues();
    }, 10).unref();
  }

  private async commitConsumeQueues(): Promise<void> {
    if (this.cqCommitting) {
      await this.cqCommitting;
      return this.commitConsumeQueues();
    }
    const ts = this.consumeQueues.lastStoreTimestamp;
    this.cqCommitting = this.consumeQueues.commitDirty().then(
      () => {
        this.dispatchedStoreTimestamp = Math.max(this.dispatchedStoreTimestamp, ts);
      },
      (err: unknown) => {
        this.logger.error('ConsumeQueue write failed', { error: (err as Error).message });
      },
    );
    try {
      await this.cqCommitting;
    } finally {
      this.cqCommitting = undefined;
    }
  }

  private onCommitLogFlushed(storeTimestamp: number): void {
    if (storeTimestamp > this.checkpoint.physicMsgTimestamp) this.checkpoint.physicMsgTimestamp = storeTimestamp;
  }

  /** Starts the flush and cleaning services and marks the run as not yet cleanly ended (the abort file). */
  async start(): Promise<void> {
    // Java creates the checkpoint at start; a crash before the first flush then still leaves one to recover from.
    await this.checkpoint.flush();
    await fsp.writeFile(this.abortFile, String(process.pid));
    this.commitLog.startFlushService();
    const cqFlush = setInterval(() => void this.flushConsumeQueuesAndCheckpoint(), this.config.flushIntervalConsumeQueue);
    const indexCommit = setInterval(() => void this.index.commit().catch((err: unknown) => this.logger.error('index write failed', { error: (err as Error).message })), 1000);
    const clean = setInterval(() => void this.cleanFiles(false), this.config.cleanResourceInterval);
    this.timers = [cqFlush, indexCommit, clean];
    for (const t of this.timers) t.unref();
    this.started = true;
  }

  private flushingCq: Promise<void> | undefined;

  private flushConsumeQueuesAndCheckpoint(): Promise<void> {
    if (this.flushingCq) return this.flushingCq;
    this.flushingCq = (async () => {
      try {
        await this.commitConsumeQueues();
        const ts = this.dispatchedStoreTimestamp;
        for (const cq of this.consumeQueues.all()) if (cq.queue.committedPosition > cq.queue.flushedPosition) await cq.flush();
        if (ts > this.checkpoint.logicsMsgTimestamp) this.checkpoint.logicsMsgTimestamp = ts;
        this.checkpoint.confirmPhyOffset = this.commitLog.flushedOffset;
        await this.checkpoint.flush();
      } catch (err) {
        this.logger.error('ConsumeQueue or checkpoint flush failed', { error: (err as Error).message });
      } finally {
        this.flushingCq = undefined;
      }
    })();
    return this.flushingCq;
  }

  // ---- writes

  private hintsOf(propertiesString: string, topic: string): DispatchHints {
    const props = parseProperties(propertiesString);
    const hints: DispatchHints = { tagsCode: tagsString2tagsCode(props.get(MessageConst.TAGS)), keys: props.get(MessageConst.KEYS), uniqKey: props.get(MessageConst.UNIQ_KEY) };
    if (topic === SCHEDULE_TOPIC) {
      const delay = Number.parseInt(props.get(MessageConst.DELAY) ?? '', 10);
      if (delay > 0) hints.delayLevel = Math.min(delay, this.delayLevels.length);
    }
    return hints;
  }

  private refuse(): PutMessageResult | undefined {
    if (this.shuttingDown || !this.started) return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'the message store is not running' };
    if (this.diskFull) return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'the disk is full' };
    if (this.config.brokerRole === 'SLAVE') return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'the broker is a slave' };
    return undefined;
  }

  /**
   * Appends one message. `hints` carries what the broker already parsed (tags code, keys, unique key); without it
   * the properties are parsed here. `wait` false (property WAIT=false) answers SYNC_FLUSH sends without the fsync.
   */
  putMessage(msg: MessageExtBrokerInner, hints?: DispatchHints, wait = true): Promise<PutMessageResult> {
    const refused = this.refuse();
    if (refused) return Promise.resolve(refused);
    return this.commitLog.putMessage(msg, hints ?? this.hintsOf(msg.propertiesString, msg.topic), wait);
  }

  /** Appends a client batch (SEND_BATCH_MESSAGE): one record per inner message, contiguous, one queue. */
  putMessages(batch: MessageExtBatch, wait = true): Promise<PutMessageResult> {
    const refused = this.refuse();
    if (refused) return Promise.resolve(refused);
    // Hints for each inner message come from its own properties plus the batch-level ones.
    let hints: DispatchHints[] | undefined;
    try {
      hints = [];
      const b = batch.body;
      let pos = 0;
      while (pos + 20 <= b.length) {
        const bodyLen = b.readInt32BE(pos + 16);
        const propLen = b.readInt16BE(pos + 20 + bodyLen);
        const props = b.toString('utf8', pos + 22 + bodyLen, pos + 22 + bodyLen + propLen);
        hints.push(this.hintsOf(props + (batch.batchPropertiesString ? '\u0002' + batch.batchPropertiesString : ''), batch.topic));
        pos += 22 + bodyLen + propLen;
      }
    } catch {
      hints = undefined; // the encoder reports the malformed body
    }
    return this.commitLog.putMessages(batch, hints, wait);
  }

  // ---- reads

  maxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.find(topic, queueId)?.maxOffsetInQueue ?? 0;
  }

  minOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.find(topic, queueId)?.minOffsetInQueue ?? 0;
  }

  get minPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  get maxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  /** CommitLog bytes written but not yet flushed to disk. */
  get flushBehindBytes(): number {
    return Math.max(0, this.commitLog.maxOffset - this.commitLog.flushedOffset);
  }

  /** Bytes written but not yet dispatched. */
  get dispatchBehindBytes(): number {
    return this.commitLog.maxOffset - this.commitLog.committedOffset;
  }

  /** CommitLog offset of the message at a queue offset, or 0. */
  async commitLogOffsetInQueue(topic: string, queueId: number, consumeQueueOffset: number): Promise<number> {
    const unit = await this.consumeQueues.find(topic, queueId)?.getUnit(consumeQueueOffset);
    return unit ? unit[0] : 0;
  }

  /** The store time of a record, or -1 when it cannot be read. */
  async pickupStoreTimestamp(commitLogOffset: number, size: number): Promise<number> {
    const b = await this.commitLog.getData(commitLogOffset, Math.min(size, 96)).catch(() => undefined);
    if (!b || b.length < 64) return -1;
    const at = b.readInt32BE(36) & 0x10 ? 68 : 56;
    return b.length >= at + 8 ? readInt64(b, at) : -1;
  }

  async messageStoreTimestamp(topic: string, queueId: number, consumeQueueOffset: number): Promise<number> {
    const unit = await this.consumeQueues.find(topic, queueId)?.getUnit(consumeQueueOffset);
    return unit ? this.pickupStoreTimestamp(unit[0], unit[1]) : -1;
  }

  /** Store time of the first message of a queue (Java: getEarliestMessageTime(topic, queueId)), or -1. */
  async earliestMessageTime(topic: string, queueId: number): Promise<number> {
    const cq = this.consumeQueues.find(topic, queueId);
    if (!cq) return -1;
    return this.messageStoreTimestamp(topic, queueId, cq.minOffsetInQueue);
  }

  /** Store time of the oldest record in the CommitLog, or -1. */
  async earliestStoreTime(): Promise<number> {
    const first = this.commitLog.queue.files[0];
    if (!first) return -1;
    return this.pickupStoreTimestamp(this.commitLog.minOffset, 96);
  }

  /**
   * The queue offset of `timestamp` by store time, as RocketMQ 5 finds it (ConsumeQueue#getOffsetInQueueByTime and
   * ConsumeQueueStore's clamp to [min, max]): 'lower' is the first message stored at or after it (the max offset when
   * every message is older, so a reset to "now" skips them all); 'upper' the last stored at or before it (the min
   * offset when none is). Units whose CommitLog record was deleted count as older.
   */
  async offsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary: 'lower' | 'upper' = 'lower'): Promise<number> {
    const cq = this.consumeQueues.find(topic, queueId);
    if (!cq || cq.maxOffsetInQueue === 0) return 0;
    const min = cq.minOffsetInQueue;
    const max = cq.maxOffsetInQueue;
    const minPhy = this.commitLog.minOffset;
    // first offset in [min, max) whose store time is >= timestamp (lower) or > timestamp (upper), else max
    let low = min;
    let high = max;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const unit = await cq.getUnit(mid);
      if (!unit) return min;
      let after: boolean;
      if (unit[0] < minPhy) {
        after = false;
      } else {
        const t = await this.pickupStoreTimestamp(unit[0], unit[1]);
        if (t < 0) return min;
        after = boundary === 'lower' ? t >= timestamp : t > timestamp;
      }
      if (after) high = mid;
      else low = mid + 1;
    }
    return boundary === 'lower' ? low : Math.max(min, low - 1);
  }

  private isTheBatchFull(sizePy: number, maxMsgNums: number, bufferTotal: number, messageTotal: number, isInDisk: boolean): boolean {
    if (bufferTotal === 0 || messageTotal === 0) return false;
    if (maxMsgNums <= messageTotal) return true;
    const c = this.config;
    if (isInDisk) {
      if (bufferTotal + sizePy > c.maxTransferBytesOnMessageInDisk) return true;
      if (messageTotal > c.maxTransferCountOnMessageInDisk - 1) return true;
    } else {
      if (bufferTotal + sizePy > c.maxTransferBytesOnMessageInMemory) return true;
      if (messageTotal > c.maxTransferCountOnMessageInMemory - 1) return true;
    }
    return false;
  }

  /**
   * Messages of a queue from `offset` (Java: DefaultMessageStore#getMessage): statuses and next offsets as Java gives
   * them. Units are filtered by tagsCode first; the records chosen are read with one positional read per contiguous
   * CommitLog span and handed out as views of it.
   */
  async getMessage(group: string, topic: string, queueId: number, offset: number, maxMsgNums: number, filter?: MessageFilter): Promise<GetMessageResult> {
    void group;
    const result: GetMessageResult = {
      status: GetMessageStatus.NO_MESSAGE_IN_QUEUE,
      messages: [],
      queueOffsets: [],
      nextBeginOffset: offset,
      minOffset: 0,
      maxOffset: 0,
      bufferTotalSize: 0,
      suggestPullingFromSlave: false,
    };
    const cq = this.consumeQueues.find(topic, queueId);
    if (!cq) {
      result.status = GetMessageStatus.NO_MATCHED_LOGIC_QUEUE;
      result.nextBeginOffset = 0;
      return result;
    }
    const minOffset = cq.minOffsetInQueue;
    const maxOffset = cq.maxOffsetInQueue;
    result.minOffset = minOffset;
    result.maxOffset = maxOffset;
    if (maxOffset === 0) {
      result.status = GetMessageStatus.NO_MESSAGE_IN_QUEUE;
      result.nextBeginOffset = 0;
      return result;
    }
    if (offset < minOffset) {
      result.status = GetMessageStatus.OFFSET_TOO_SMALL;
      result.nextBeginOffset = minOffset;
      return result;
    }
    if (offset === maxOffset) {
      result.status = GetMessageStatus.OFFSET_OVERFLOW_ONE;
      result.nextBeginOffset = offset;
      return result;
    }
    if (offset > maxOffset) {
      result.status = GetMessageStatus.OFFSET_OVERFLOW_BADLY;
      result.nextBeginOffset = maxOffset;
      return result;
    }
    const maxFilterBytes = Math.max(16000, maxMsgNums * CQ_STORE_UNIT_SIZE);
    const units = await cq.getIndexBuffer(offset, maxFilterBytes);
    if (!units) {
      result.status = GetMessageStatus.OFFSET_FOUND_NULL;
      result.nextBeginOffset = cq.rollNextFile(offset);
      return result;
    }
    result.status = GetMessageStatus.NO_MATCHED_MESSAGE;
    const maxOffsetPy = this.commitLog.maxOffset;
    const minPhy = this.commitLog.minOffset;
    const chosen: Array<{ phy: number; size: number; qo: number }> = [];
    let total = 0;
    let i = 0;
    let maxPhyPulling = 0;
    let nextPhyFileStart = -1;
    let removing = false;
    for (; i < units.length; i += CQ_STORE_UNIT_SIZE) {
      const phy = readInt64(units, i);
      const size = units.readInt32BE(i + 8);
      const tagsCode = readInt64(units, i + 12);
      maxPhyPulling = phy;
      if (nextPhyFileStart !== -1 && phy < nextPhyFileStart) continue;
      const isInDisk = maxOffsetPy - phy > this.memoryForHotData;
      if (this.isTheBatchFull(size, maxMsgNums, total, chosen.length, isInDisk)) break;
      if (filter && !filter.isMatchedByConsumeQueue(tagsCode)) continue;
      if (phy < minPhy || phy + size > this.commitLog.committedOffset) {
        if (chosen.length === 0) removing = true;
        nextPhyFileStart = this.commitLog.rollNextFile(phy);
        continue;
      }
      chosen.push({ phy, size, qo: offset + i / CQ_STORE_UNIT_SIZE });
      total += size;
      nextPhyFileStart = -1;
    }
    result.nextBeginOffset = offset + i / CQ_STORE_UNIT_SIZE;
    result.suggestPullingFromSlave = maxOffsetPy - maxPhyPulling > this.memoryForHotData;
    if (chosen.length === 0) {
      if (removing) result.status = GetMessageStatus.MESSAGE_WAS_REMOVING;
      return result;
    }
    // One read per record: records in the in-memory tail are copied out of it, older ones are views of the
    // CommitLog's cached read blocks, which every queue interleaved in the same stretch of the log shares.
    for (const c of chosen) {
      const view = this.commitLog.getDataCached(c.phy, c.size) ?? (await this.commitLog.getData(c.phy, c.size));
      if (!view) continue;
      if (filter?.isMatchedByCommitLog && !filter.isMatchedByCommitLog(view)) continue;
      result.messages.push(view);
      result.queueOffsets.push(c.qo);
      result.bufferTotalSize += c.size;
    }
    if (result.messages.length > 0) result.status = GetMessageStatus.FOUND;
    return result;
  }

  /** The whole record at a CommitLog offset (view by id), or undefined. */
  async selectOneMessageByOffset(commitLogOffset: number): Promise<Buffer | undefined> {
    if (commitLogOffset < this.commitLog.minOffset || commitLogOffset + 8 > this.commitLog.committedOffset) return undefined;
    const head = await this.commitLog.getData(commitLogOffset, 8);
    if (!head) return undefined;
    const size = head.readInt32BE(0);
    const magic = head.readInt32BE(4);
    if (size <= 0 || (magic !== -626843481 && magic !== -626843477)) return undefined;
    return this.commitLog.getData(commitLogOffset, size);
  }

  async lookMessageByOffset(commitLogOffset: number): Promise<MessageExt | undefined> {
    const rec = await this.selectOneMessageByOffset(commitLogOffset);
    return rec ? decodeMessage(rec) : undefined;
  }

  /** Messages whose key (or unique key) is `key`, stored within [begin, end] (Java: queryMessage, up to 3 rounds). */
  async queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
    const out: QueryMessageResult = { messages: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
    let last = end;
    const max = Math.min(maxNum, this.config.maxMsgsNumBatch);
    for (let round = 0; round < 3; round++) {
      const q = await this.index.queryOffset(topic, key, max, begin, last);
      out.indexLastUpdateTimestamp = q.indexLastUpdateTimestamp;
      out.indexLastUpdatePhyoffset = q.indexLastUpdatePhyoffset;
      if (q.offsets.length === 0) break;
      const sorted = [...q.offsets].sort((a, b) => a - b);
      for (let k = 0; k < sorted.length; k++) {
        const rec = await this.selectOneMessageByOffset(sorted[k]!);
        if (!rec) continue;
        const m = decodeMessage(rec);
        if (m.topic !== topic) continue;
        out.messages.push(rec);
        if (k === sorted.length - 1) last = m.storeTimestamp - 1;
      }
      if (out.messages.length >= max) break;
      if (q.offsets.length < max) break;
    }
    return out;
  }

  /** Removes topics' ConsumeQueues (DELETE_TOPIC_IN_BROKER); their records stay in the CommitLog until it expires. */
  async deleteTopics(topics: Iterable<string>): Promise<void> {
    for (const t of topics) {
      await this.consumeQueues.deleteTopic(t);
      for (const key of [...this.commitLog.topicQueueTable.keys()]) if (key.startsWith(`${t}-`) && /^\d+$/.test(key.slice(t.length + 1))) this.commitLog.topicQueueTable.delete(key);
    }
  }

  /**
   * CLEAN_UNUSED_TOPIC (Java: cleanUnusedTopic): drops the ConsumeQueues of topics the broker has no config for,
   * but never the schedule topic's or the transaction op topic's. Returns the topics dropped.
   */
  async cleanUnusedTopics(configured: ReadonlySet<string>): Promise<string[]> {
    const keep = new Set(['SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRANS_OP_HALF_TOPIC']);
    const gone = [...this.consumeQueues.table.keys()].filter((t) => !configured.has(t) && !keep.has(t));
    await this.deleteTopics(gone);
    if (gone.length > 0) this.logger.info('ConsumeQueues of unused topics removed', { topics: gone });
    return gone;
  }

  /**
   * CLEAN_EXPIRED_CONSUMEQUEUE (Java: cleanExpiredConsumerQueue): drops every queue (the schedule topic's aside)
   * whose newest unit points below the CommitLog's first offset, so none of its messages exists any more. Returns
   * "topic-queueId" of each queue dropped.
   */
  async cleanExpiredConsumeQueues(): Promise<string[]> {
    const minPhy = this.commitLog.minOffset;
    const gone: string[] = [];
    for (const [topic, byId] of [...this.consumeQueues.table]) {
      if (topic === 'SCHEDULE_TOPIC_XXXX') continue;
      for (const [queueId, cq] of [...byId]) {
        const last = cq.maxPhysicOffset;
        if (last < 0 || last >= minPhy) continue;
        await this.consumeQueues.deleteQueue(topic, queueId);
        this.commitLog.topicQueueTable.delete(`${topic}-${queueId}`);
        gone.push(`${topic}-${queueId}`);
      }
    }
    if (gone.length > 0) this.logger.info('expired ConsumeQueues removed', { queues: gone, commitLogMinOffset: minPhy });
    return gone;
  }

  // ---- retention

  /**
   * Used fraction of the disk holding `dir`, as Java computes it (UtilAll.getDiskPartitionSpaceUsedPercent, 4.9.7
   * and 5.x): used / (used + usable), df's view, where used = total - free and usable leaves out the blocks reserved
   * for root, rounded up to whole percent. Replaceable in tests.
   */
  diskUsage = async (dir: string): Promise<number> => {
    try {
      return diskUsedRatio(await fsp.statfs(dir));
    } catch {
      return -1;
    }
  };

  private isTimeToDelete(): boolean {
    const hour = new Date().getHours();
    return this.config.deleteWhen.split(';').some((h) => Number(h) === hour);
  }

  /**
   * Deletes expired CommitLog files (older than fileReservedTime hours, at deleteWhen, or at once when the disk is
   * too full), then the ConsumeQueue and index files that only point below the new minimum. Never the last file.
   */
  async cleanFiles(manual: boolean): Promise<number> {
    const dir = commitLogDir(this.config);
    const usage = await this.diskUsage(dir);
    const c = this.config;
    const warn = Math.min(0.9, Math.max(0.35, c.diskSpaceWarningLevelRatio / 100));
    const forcibly = Math.min(0.85, Math.max(0.3, c.diskSpaceCleanForciblyRatio / 100));
    const maxUsed = Math.min(0.95, Math.max(0.1, c.diskMaxUsedSpaceRatio / 100));
    const wasFull = this.diskFull;
    this.diskFull = usage >= warn;
    if (this.diskFull && !wasFull) this.logger.error('disk almost full: refusing new messages until space is freed', { dir, usage });
    if (!this.diskFull && wasFull) this.logger.info('disk space recovered: accepting messages again', { dir, usage });
    const cleanImmediately = c.cleanFileForciblyEnable && usage >= forcibly;
    if (!manual && !this.isTimeToDelete() && usage <= maxUsed && !cleanImmediately) return 0;
    const files = this.commitLog.queue.files;
    const reserveMs = c.fileReservedTime * 3600 * 1000;
    const now = Date.now();
    let deleted = 0;
    while (files.length > 1 && deleted < c.deleteFileBatchMax) {
      const f = files[0]!;
      const expired = (await f.mtimeMs()) + reserveMs <= now;
      if (!expired && !cleanImmediately) break;
      await this.commitLog.queue.deleteFirstFile();
      this.logger.info('expired CommitLog file deleted', { file: f.fileName, why: expired ? 'older than fileReservedTime' : 'disk usage', usage });
      deleted++;
    }
    if (deleted > 0) {
      const minPhy = this.commitLog.minOffset;
      for (const cq of this.consumeQueues.all()) {
        await cq.commit();
        while (cq.queue.files.length > 1) {
          const first = cq.queue.files[0]!;
          const lastUnit = await first.read(cq.fileSize - CQ_STORE_UNIT_SIZE, CQ_STORE_UNIT_SIZE);
          if (readInt64(lastUnit, 0) >= minPhy) break;
          await cq.queue.deleteFirstFile();
        }
        await cq.correctMinOffset(minPhy);
      }
      await this.index.deleteExpiredFiles(minPhy);
    }
    return deleted;
  }

  /** Waits until every append so far is committed, dispatched, indexed and its ConsumeQueue units written. */
  async whenIdle(): Promise<void> {
    await this.commitLog.whenIdle();
    await this.commitConsumeQueues();
    await this.index.whenIndexed();
  }

  /** Flushes everything and removes the abort file: the next start is a normal recovery. */
  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const t of this.timers) clearInterval(t);
    await this.commitLog.shutdown();
    await this.commitConsumeQueues();
    await this.index.whenIndexed();
    await this.consumeQueues.flushAll();
    this.checkpoint.logicsMsgTimestamp = Math.max(this.checkpoint.logicsMsgTimestamp, this.consumeQueues.lastStoreTimestamp);
    this.checkpoint.confirmPhyOffset = this.commitLog.flushedOffset;
    await this.index.close();
    await this.consumeQueues.close();
    await this.checkpoint.flush();
    if (this.started && this.dispatchBehindBytes === 0) await fsp.rm(this.abortFile, { force: true });
    this.started = false;
    this.logger.info('store shut down', { root: this.config.storePathRootDir, maxOffset: this.commitLog.maxOffset });
  }
}

/** Java's disk ratio from a statfs result: used / (used + usable), rounded up to a whole percent; -1 if unknown. */
export function diskUsedRatio(s: { blocks: number; bfree: number; bavail: number }): number {
  if (s.blocks <= 0) return -1;
  const used = s.blocks - s.bfree;
  const entire = used + s.bavail;
  if (entire <= 0) return -1;
  return Math.ceil((used * 100) / entire) / 100;
}
