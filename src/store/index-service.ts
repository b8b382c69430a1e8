import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../common/logger';
import { IndexFile, indexFileName } from './index-file';
import type { DispatchRequest } from './message-ext';
import { MessageSysFlag, transactionType } from './message-sys-flag';

/**
 * The index files (Java: IndexService): builds `topic#UNIQ_KEY` and `topic#<each KEYS token>` entries on dispatch
 * and answers key queries over a time range, newest file first.
 */
export class IndexService {
  private readonly files: IndexFile[] = [];
  private committing: Promise<void> | undefined;
  /** Dispatched records waiting to be indexed, in log order; one worker drains them. */
  private queue: DispatchRequest[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxHashSlotNum: number,
    private readonly maxIndexNum: number,
    private readonly logger: Logger,
    /** Called with the end time of each file that fills up and is flushed (checkpoint indexMsgTimestamp). */
    private readonly onFileFull: (endTimestamp: number) => void,
  ) {}

  /** Loads index files; after a crash, files newer than the checkpoint's indexMsgTimestamp are deleted (Java). */
  async load(lastExitOK: boolean, indexMsgTimestamp: number): Promise<void> {
    let names: string[] = [];
    try {
      names = (await fsp.readdir(this.dir)).filter((n) => /^\d{17}$/.test(n)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const n of names) {
      const f = await IndexFile.open(path.join(this.dir, n), this.maxHashSlotNum, this.maxIndexNum);
      if (!lastExitOK && f.header.endTimestamp > indexMsgTimestamp) {
        this.logger.info('index file newer than the checkpoint deleted after a crash', { file: n });
        await f.destroy();
        continue;
      }
      this.files.push(f);
    }
  }

  /** Opens (or creates) the file new keys go to, so indexing needs no I/O until that file fills. */
  async prepare(): Promise<void> {
    await this.writableFile();
  }

  /** Offset past which everything is indexed. */
  get endPhyOffset(): number {
    const last = this.files[this.files.length - 1];
    return last ? last.header.endPhyOffset : 0;
  }

  private current: IndexFile | undefined;

  private async writableFile(): Promise<IndexFile> {
    const last = this.files[this.files.length - 1];
    if (last && !last.isFull()) {
      await last.makeWritable();
      this.current = last;
      return last;
    }
    let name = indexFileName(Date.now());
    while (this.files.some((f) => f.name === name)) name = indexFileName(Date.now() + 1);
    const f = await IndexFile.create(this.dir, name, this.maxHashSlotNum, this.maxIndexNum, last?.header);
    this.files.push(f);
    this.current = f;
    if (last) {
      void last.flush().then(
        () => {
          last.release();
          this.onFileFull(last.header.endTimestamp);
        },
        (err: unknown) => this.logger.error('cannot flush a full index file', { file: last.name, error: (err as Error).message }),
      );
    }
    return f;
  }

  /** Queues a dispatched record for indexing; records are indexed in the order they arrive. */
  buildIndex(d: DispatchRequest): void {
    if (transactionType(d.sysFlag) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return;
    if (d.uniqKey === undefined && !d.keys) return;
    // The usual case needs no I/O: index at once, so a key query right after the send finds the message.
    if (!this.draining && this.queue.length === 0 && this.current && !this.current.isFull() && this.indexInto(this.current, d)) return;
    this.queue.push(d);
    if (!this.draining) this.draining = this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves when every queued record is indexed. */
  async whenIndexed(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      for (const d of batch) {
        try {
          await this.index(d);
        } catch (err) {
          this.logger.error('indexing failed', { topic: d.topic, offset: d.commitLogOffset, error: (err as Error).message });
        }
      }
    }
  }

  private static keysOf(d: DispatchRequest): string[] {
    const keys: string[] = [];
    if (d.uniqKey !== undefined) keys.push(`${d.topic}#${d.uniqKey}`);
    if (d.keys) for (const k of d.keys.split(' ')) if (k.length > 0) keys.push(`${d.topic}#${k}`);
    return keys;
  }

  /** Indexes a record into `f` if all its keys fit; false (nothing written) when they do not. */
  private indexInto(f: IndexFile, d: DispatchRequest): boolean {
    if (d.commitLogOffset < f.header.endPhyOffset) return true;
    const keys = IndexService.keysOf(d);
    if (f.header.indexCount + keys.length > f.maxIndexNum) return false;
    for (const key of keys) f.putKey(key, d.commitLogOffset, d.storeTimestamp);
    return true;
  }

  /** Java: IndexService#buildIndex. Records below the index end are skipped (already indexed). */
  private async index(d: DispatchRequest): Promise<void> {
    let f = this.current && !this.current.isFull() ? this.current : await this.writableFile();
    if (d.commitLogOffset < f.header.endPhyOffset) return;
    for (const key of IndexService.keysOf(d)) {
      while (!f.putKey(key, d.commitLogOffset, d.storeTimestamp)) f = await this.writableFile();
    }
  }

  /** Offsets of messages whose `topic#key` was indexed with a store time in [begin, end], newest file first. */
  async queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<{ offsets: number[]; indexLastUpdateTimestamp: number; indexLastUpdatePhyoffset: number }> {
    const offsets: number[] = [];
    const last = this.files[this.files.length - 1];
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      if (f.isTimeMatched(begin, end)) await f.selectPhyOffset(offsets, `${topic}#${key}`, maxNum, begin, end);
      if (f.header.beginTimestamp < begin || offsets.length >= maxNum) break;
    }
    return { offsets, indexLastUpdateTimestamp: last?.header.endTimestamp ?? 0, indexLastUpdatePhyoffset: last?.header.endPhyOffset ?? 0 };
  }

  commit(): Promise<void> {
    if (this.committing) return this.committing;
    const last = this.files[this.files.length - 1];
    if (!last) return Promise.resolve();
    this.committing = last.commit().finally(() => (this.committing = undefined));
    return this.committing;
  }

  async flush(): Promise<void> {
    await this.whenIndexed();
    await this.committing;
    for (const f of this.files) await f.flush();
  }

  /** Deletes files (never the last) whose newest entry points below the CommitLog's min offset. */
  async deleteExpiredFiles(commitLogMinOffset: number): Promise<number> {
    let n = 0;
    while (this.files.length > 1 && this.files[0]!.header.endPhyOffset < commitLogMinOffset) {
      const f = this.files.shift()!;
      await f.destroy();
      n++;
    }
    return n;
  }

  get fileNames(): string[] {
    return this.files.map((f) => f.name);
  }

  async close(): Promise<void> {
    await this.flush();
    for (const f of this.files) await f.close();
  }
}
