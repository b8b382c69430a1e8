import type { Logger } from '../common/logger';
import type { DispatchRequest, MessageExtBatch, MessageExtBrokerInner } from './message-ext';
import { checkRecord, type CheckOptions } from './message-decoder';
import { MessageTooLargeError, prepareBatch, prepareMessage, writeBlank, writeRecord, type PreparedRecord } from './message-encoder';
import { createMessageId } from './message-id';
import { consumesQueueOffset } from './message-sys-flag';
import { MappedFileQueue } from './mapped-file-queue';
import { PutMessageStatus, type PutMessageResult } from './put-message-result';
import { hotCommitLogBytes, type StoreConfig } from './store-config';

/** Read blocks cached for consumers behind the in-memory tail: 64 x 256 KiB = 16 MiB. */
const READ_BLOCKS = 64;

/** Extra per-message facts the broker already knows, so dispatch does not parse properties again. */
export interface DispatchHints {
  tagsCode: number;
  keys: string | undefined;
  uniqKey: string | undefined;
  /** Delay level of a SCHEDULE_TOPIC_XXXX record: its tagsCode is then its deliver time, known only at append. */
  delayLevel?: number;
}

interface Waiter {
  resolve: (r: PutMessageResult) => void;
  result: PutMessageResult;
  /** SYNC_FLUSH and the producer asked to wait (WAIT is not false): answered only after fdatasync. */
  sync: boolean;
}

interface Round {
  dispatches: DispatchRequest[];
  waiters: Waiter[];
  needSync: boolean;
  lastStoreTimestamp: number;
}

const newRound = (): Round => ({ dispatches: [], waiters: [], needSync: false, lastStoreTimestamp: 0 });

/** Bytes read per positional read while recovering. */
const RECOVERY_WINDOW = 8 * 1024 * 1024;

export interface CommitLogListener {
  /** Records whose bytes are now in the page cache, in log order. */
  onCommitted(dispatches: DispatchRequest[]): void;
  /** Newest store time made durable by a flush (checkpoint physicMsgTimestamp). */
  onFlushed(storeTimestamp: number): void;
}

/**
 * The CommitLog (Java: CommitLog + its append callback + flush services). Appends run to completion on the event
 * loop, so queue offsets and store times are assigned in log order without a lock. Every append made during one turn
 * joins a round: one write per touched file, then (SYNC_FLUSH) one fdatasync shared by all of them (group commit),
 * then dispatch and the answers.
 */
export class CommitLog {
  readonly queue: MappedFileQueue;
  /** "topic-queueId" -> next queue offset. */
  readonly topicQueueTable = new Map<string, number>();
  private lastStoreTimestamp = 0;
  private round: Round = newRound();
  private scheduled = false;
  private running = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private lastThoroughFlush = Date.now();
  private committedStoreTimestamp = 0;
  writable = true;
  private readonly syncFlush: boolean;
  private idleWaiters: Array<() => void> = [];

  constructor(
    dir: string,
    private readonly config: StoreConfig,
    private readonly listener: CommitLogListener,
    private readonly logger: Logger,
    /** Deliver time of a delay level for a record stored at `storeTimestamp`. */
    private readonly deliverTime: (level: number, storeTimestamp: number) => number = (_l, t) => t + 1000,
  ) {
    this.queue = new MappedFileQueue(dir, config.mappedFileSizeCommitLog, Math.min(config.mappedFileSizeCommitLog, 4 * 1024 * 1024), config.readCacheSizeCommitLog, hotCommitLogBytes(config), READ_BLOCKS);
    this.syncFlush = config.flushDiskType === 'SYNC_FLUSH';
  }

  get maxOffset(): number {
    return this.queue.wrotePosition;
  }

  get minOffset(): number {
    return this.queue.minOffset;
  }

  /** End of what dispatch has seen: bytes in the page cache. */
  get committedOffset(): number {
    return this.queue.committedPosition;
  }

  get flushedOffset(): number {
    return this.queue.flushedPosition;
  }

  startFlushService(): void {
    if (this.syncFlush) return;
    this.flushTimer = setInterval(() => void this.flushAsync(false), this.config.flushIntervalCommitLog);
    this.flushTimer.unref();
  }

  private async flushAsync(force: boolean): Promise<void> {
    const pending = this.queue.committedPosition - this.queue.flushedPosition;
    if (pending <= 0) return;
    const now = Date.now();
    const thorough = now - this.lastThoroughFlush >= this.config.flushCommitLogThoroughInterval;
    if (!force && !thorough && pending < this.config.flushCommitLogLeastPages * 4096) return;
    if (thorough) this.lastThoroughFlush = now;
    const ts = this.committedStoreTimestamp;
    try {
      await this.queue.flush();
      this.listener.onFlushed(ts);
    } catch (err) {
      this.logger.error('CommitLog flush failed', { dir: this.queue.dir, error: (err as Error).message });
    }
  }

  putMessage(msg: MessageExtBrokerInner, hints: DispatchHints, wait = true): Promise<PutMessageResult> {
    if (!this.writable) return Promise.resolve({ status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'the store is not writable' });
    let prepared: PreparedRecord;
    try {
      prepared = prepareMessage(msg, this.config.maxMessageSize);
    } catch (err) {
      return Promise.resolve(this.illegal(err));
    }
    return this.append(msg.topic, msg.queueId, [prepared], [hints], wait);
  }

  putMessages(batch: MessageExtBatch, hints: DispatchHints[] | undefined, wait = true): Promise<PutMessageResult> {
    if (!this.writable) return Promise.resolve({ status: PutMessageStatus.SERVICE_NOT_AVAILABLE, remark: 'the store is not writable' });
    let prepared: PreparedRecord[];
    try {
      prepared = prepareBatch(batch, this.config.maxMessageSize);
    } catch (err) {
      return Promise.resolve(this.illegal(err));
    }
    if (prepared.length === 0) return Promise.resolve({ status: PutMessageStatus.MESSAGE_ILLEGAL, remark: 'empty batch' });
    return this.append(batch.topic, batch.queueId, prepared, hints, wait);
  }

  private illegal(err: unknown): PutMessageResult {
    const remark = (err as Error).message;
    if (err instanceof MessageTooLargeError && remark.startsWith('properties')) return { status: PutMessageStatus.PROPERTIES_SIZE_EXCEEDED, remark };
    return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark };
  }

  private append(topic: string, queueId: number, records: PreparedRecord[], hints: DispatchHints[] | undefined, wait: boolean): Promise<PutMessageResult> {
    const fileSize = this.config.mappedFileSizeCommitLog;
    let total = 0;
    for (const r of records) {
      if (r.size > this.config.maxMessageSize + 64 * 1024) {
        return Promise.resolve({ status: PutMessageStatus.MESSAGE_ILLEGAL, remark: `record of ${r.size} bytes exceeds maxMessageSize + 64 KiB` });
      }
      total += r.size;
    }
    if (total + 8 > fileSize) {
      return Promise.resolve({ status: PutMessageStatus.MESSAGE_ILLEGAL, remark: `${total} bytes do not fit in a CommitLog file of ${fileSize}` });
    }
    let offset = this.queue.wrotePosition;
    const left = fileSize - (offset % fileSize);
    if (total + 8 > left) {
      // Java's rule: a record never ends closer than 8 bytes to the end of a file; the rest becomes a BLANK.
      const { buf, pos } = this.queue.reserve(8);
      writeBlank(buf, pos, left);
      offset += left;
      this.queue.skipTo(offset);
    }
    const now = Date.now();
    const storeTimestamp = now > this.lastStoreTimestamp ? now : this.lastStoreTimestamp;
    this.lastStoreTimestamp = storeTimestamp;
    const { buf, pos } = this.queue.reserve(total);
    const key = `${topic}-${queueId}`;
    let queueOffset = this.topicQueueTable.get(key) ?? 0;
    const firstQueueOffset = queueOffset;
    let p = pos;
    let phy = offset;
    const round = this.round;
    let msgId = '';
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const consumes = consumesQueueOffset(r.sysFlag);
      const qo = consumes ? queueOffset : 0;
      writeRecord(buf, p, r, qo, phy, storeTimestamp);
      const h = hints?.[i];
      round.dispatches.push({
        topic,
        queueId,
        commitLogOffset: phy,
        msgSize: r.size,
        tagsCode: h ? (h.delayLevel !== undefined && h.delayLevel > 0 ? this.deliverTime(h.delayLevel, storeTimestamp) : h.tagsCode) : Number.NaN,
        storeTimestamp,
        consumeQueueOffset: qo,
        keys: h?.keys,
        uniqKey: h?.uniqKey,
        sysFlag: r.sysFlag,
      });
      const id = createMessageId(r.storeHost, phy);
      msgId = i === 0 ? id : `${msgId},${id}`;
      if (consumes) queueOffset++;
      p += r.size;
      phy += r.size;
    }
    this.topicQueueTable.set(key, queueOffset);
    round.lastStoreTimestamp = storeTimestamp;
    const sync = this.syncFlush && wait;
    if (sync) round.needSync = true;
    const result: PutMessageResult = {
      status: PutMessageStatus.PUT_OK,
      appendResult: { wroteOffset: offset, wroteBytes: total, msgId, logicsOffset: firstQueueOffset, storeTimestamp, msgNum: records.length },
    };
    return new Promise((resolve) => {
      round.waiters.push({ resolve, result, sync });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.runRound();
    });
  }

  private async runRound(): Promise<void> {
    if (this.running) return;
    const round = this.round;
    if (round.waiters.length === 0 && !this.queue.hasUncommitted) {
      this.notifyIdle();
      return;
    }
    this.round = newRound();
    this.running = true;
    try {
      await this.queue.commit();
      this.committedStoreTimestamp = Math.max(this.committedStoreTimestamp, round.lastStoreTimestamp);
      this.listener.onCommitted(round.dispatches);
      if (round.needSync) await this.syncWithTimeout(round);
      for (const w of round.waiters) w.resolve(w.result);
    } catch (err) {
      // A write that fails leaves the log in an unknown state: stop taking writes rather than corrupt it.
      this.writable = false;
      this.logger.error('CommitLog write failed; the store no longer accepts messages', { dir: this.queue.dir, error: (err as Error).message });
      for (const w of round.waiters) w.resolve({ status: PutMessageStatus.UNKNOWN_ERROR, remark: `write failed: ${(err as Error).message}` });
    } finally {
      this.running = false;
      if (this.round.waiters.length > 0 || this.queue.hasUncommitted) this.schedule();
      else this.notifyIdle();
    }
  }

  /** Group commit: one fdatasync for the round. Waiters past syncFlushTimeout hear FLUSH_DISK_TIMEOUT; the data stays. */
  private async syncWithTimeout(round: Round): Promise<void> {
    const ts = round.lastStoreTimestamp;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      for (const w of round.waiters) {
        if (!w.sync) continue;
        w.resolve({ ...w.result, status: PutMessageStatus.FLUSH_DISK_TIMEOUT });
      }
    }, this.config.syncFlushTimeout);
    try {
      await this.queue.flush();
      this.listener.onFlushed(ts);
    } finally {
      clearTimeout(timer);
    }
    if (timedOut) round.waiters = round.waiters.filter((w) => !w.sync);
  }

  private notifyIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves once every append so far is committed and dispatched. */
  whenIdle(): Promise<void> {
    if (!this.running && !this.scheduled && this.round.waiters.length === 0 && !this.queue.hasUncommitted) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** getData's bytes when they are in memory already, without a promise; undefined when getData must read. */
  getDataCached(offset: number, size: number): Buffer | undefined {
    if (offset < this.minOffset || offset + size > this.queue.wrotePosition) return undefined;
    return this.queue.readCached(offset, size);
  }

  /** Reads `size` bytes at a CommitLog offset (one record, or a span inside one file). */
  async getData(offset: number, size: number): Promise<Buffer | undefined> {
    if (offset < this.minOffset || offset + size > this.queue.wrotePosition) return undefined;
    return this.queue.read(offset, size);
  }

  /** The offset where the file after the one holding `offset` starts. */
  rollNextFile(offset: number): number {
    const fs = this.config.mappedFileSizeCommitLog;
    return offset + fs - (offset % fs);
  }

  /**
   * Validates records from the start of file `startIndex` to the first invalid one (Java's recovery loop) and returns
   * where valid data ends. A BLANK moves to the next file; a BLANK in the last file ends the log where it starts.
   */
  async scan(startIndex: number, opts: CheckOptions, onRecord?: (d: DispatchRequest) => void): Promise<number> {
    const files = this.queue.files;
    if (files.length === 0) return 0;
    const fileSize = this.config.mappedFileSizeCommitLog;
    let idx = Math.max(0, Math.min(startIndex, files.length - 1));
    for (;;) {
      const f = files[idx]!;
      let pos = 0;
      let winStart = 0;
      let win: Buffer = Buffer.alloc(0);
      let blank = false;
      for (;;) {
        if (pos >= fileSize) break;
        if (pos + 8 > winStart + win.length) {
          const len = Math.min(RECOVERY_WINDOW, fileSize - pos);
          win = await f.read(pos, len);
          winStart = pos;
        }
        let c = checkRecord(win, pos - winStart, win.length, opts);
        if (c.kind === 'incomplete') {
          if (pos + c.size > fileSize) return f.fileFromOffset + pos;
          win = await f.read(pos, Math.min(fileSize - pos, Math.max(RECOVERY_WINDOW, c.size)));
          winStart = pos;
          c = checkRecord(win, 0, win.length, opts);
          if (c.kind === 'incomplete') return f.fileFromOffset + pos;
        }
        if (c.kind === 'ok') {
          onRecord?.(c.dispatch);
          pos += c.size;
        } else if (c.kind === 'blank') {
          blank = true;
          break;
        } else {
          this.logger.info('recovery found the end of the valid log', { file: f.fileName, position: pos, reason: c.reason });
          return f.fileFromOffset + pos;
        }
      }
      if (idx + 1 >= files.length) return f.fileFromOffset + pos;
      if (!blank && pos < fileSize) return f.fileFromOffset + pos;
      idx++;
    }
  }

  /** The store time of the first record of a file, when it is a real record (abnormal recovery picks its start file by it). */
  async firstStoreTimestamp(index: number): Promise<number | undefined> {
    const f = this.queue.files[index];
    if (!f) return undefined;
    const head = await f.read(0, 96);
    const magic = head.readInt32BE(4);
    if (magic !== -626843481 && magic !== -626843477) return undefined;
    const sysFlag = head.readInt32BE(36);
    const at = sysFlag & 0x10 ? 68 : 56;
    const ts = head.readInt32BE(at) * 4294967296 + head.readUInt32BE(at + 4);
    return ts === 0 ? undefined : ts;
  }

  /** After recovery: everything from `offset` on is gone. */
  async truncateTo(offset: number): Promise<void> {
    await this.queue.truncateDirtyFiles(offset);
  }

  /** Waits for pending appends and flushes everything (shutdown). */
  async shutdown(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.whenIdle();
    await this.queue.commit();
    await this.queue.flush();
    this.listener.onFlushed(this.committedStoreTimestamp);
    for (const f of this.queue.files) await f.close();
  }
}
