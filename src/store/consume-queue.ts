import path from 'node:path';
import type { Logger } from '../common/logger';
import { readInt64, writeInt64 } from '../common/int64';
import { MappedFileQueue } from './mapped-file-queue';

export const CQ_STORE_UNIT_SIZE = 20;
/** A unit that fills the start of a queue created mid-way (STORE.md §4.3). */
const FILLER_SIZE = 0x7fffffff;

/**
 * One ConsumeQueue (topic, queueId): 20-byte units `commitLogOffset i64 | size i32 | tagsCode i64`, unit n at byte
 * n*20 of the queue (Java: ConsumeQueue). Units are appended in memory by dispatch and written in batches; reads of
 * units not yet written are served from memory.
 */
export class ConsumeQueue {
  readonly queue: MappedFileQueue;
  /** Byte offset of the first unit that still points into the CommitLog. */
  minLogicOffset = 0;
  /** End (offset + size) of the record of the last unit; -1 when empty. */
  maxPhysicOffset = -1;
  /** Store time of the newest unit (checkpoint logicsMsgTimestamp). */
  lastStoreTimestamp = 0;

  constructor(
    readonly topic: string,
    readonly queueId: number,
    rootDir: string,
    readonly fileSize: number,
    private readonly logger: Logger,
    syncReadWindow = 0,
  ) {
    this.queue = new MappedFileQueue(path.join(rootDir, topic, String(queueId)), fileSize, Math.min(fileSize, 16 * 1024), 0, syncReadWindow);
  }

  get maxOffsetInQueue(): number {
    return this.queue.wrotePosition / CQ_STORE_UNIT_SIZE;
  }

  get minOffsetInQueue(): number {
    return this.minLogicOffset / CQ_STORE_UNIT_SIZE;
  }

  async load(): Promise<void> {
    await this.queue.load();
  }

  /** Finds the last valid unit, scanning from the third-last file (Java: ConsumeQueue#recover). */
  async recover(): Promise<void> {
    const files = this.queue.files;
    if (files.length === 0) return;
    let idx = Math.max(0, files.length - 3);
    let end = files[idx]!.fileFromOffset;
    let maxPhysic = -1;
    for (; idx < files.length; idx++) {
      const f = files[idx]!;
      const buf = await f.read(0, this.fileSize);
      let pos = 0;
      for (; pos + CQ_STORE_UNIT_SIZE <= this.fileSize; pos += CQ_STORE_UNIT_SIZE) {
        const offset = readInt64(buf, pos);
        const size = buf.readInt32BE(pos + 8);
        if (offset >= 0 && size > 0) {
          if (size !== FILLER_SIZE || offset !== 0) maxPhysic = offset + size;
        } else break;
      }
      end = f.fileFromOffset + pos;
      if (pos < this.fileSize) break;
    }
    this.maxPhysicOffset = maxPhysic;
    await this.queue.truncateDirtyFiles(end);
    this.minLogicOffset = Math.max(this.minLogicOffset, files[0]?.fileFromOffset ?? 0);
  }

  /**
   * Appends the unit for one record (Java: putMessagePositionInfo). A record already covered is skipped, so
   * dispatching the same stretch of the log twice is harmless.
   */
  putMessagePositionInfo(offset: number, size: number, tagsCode: number, cqOffset: number, storeTimestamp: number): void {
    if (offset + size <= this.maxPhysicOffset) return;
    const expected = cqOffset * CQ_STORE_UNIT_SIZE;
    let current = this.queue.wrotePosition;
    if (current === 0 && this.queue.files.length === 0 && expected !== 0) {
      this.fillPreBlank(expected);
      current = expected;
    }
    if (expected < current) return;
    if (expected > current) {
      this.logger.warn('[BUG] logic queue order maybe wrong; appending at the current end', {
        topic: this.topic,
        queueId: this.queueId,
        expectedOffset: cqOffset,
        currentOffset: current / CQ_STORE_UNIT_SIZE,
      });
    }
    const { buf, pos } = this.queue.reserve(CQ_STORE_UNIT_SIZE);
    writeInt64(buf, offset, pos);
    buf.writeInt32BE(size, pos + 8);
    writeInt64(buf, tagsCode, pos + 12);
    this.maxPhysicOffset = offset + size;
    this.lastStoreTimestamp = storeTimestamp;
  }

  /** A queue whose first unit is at `expected` > 0 starts at the file boundary below it, padded with filler units. */
  private fillPreBlank(expected: number): void {
    const base = expected - (expected % this.fileSize);
    this.queue.resetTo(base);
    this.minLogicOffset = expected;
    let left = (expected - base) / CQ_STORE_UNIT_SIZE;
    while (left > 0) {
      const n = Math.min(left, 3276);
      const { buf, pos } = this.queue.reserve(n * CQ_STORE_UNIT_SIZE);
      for (let i = 0; i < n; i++) {
        const at = pos + i * CQ_STORE_UNIT_SIZE;
        writeInt64(buf, 0, at);
        buf.writeInt32BE(FILLER_SIZE, at + 8);
        writeInt64(buf, 0, at + 12);
      }
      left -= n;
    }
  }

  /**
   * Units from `startIndex` to the end of the file that holds it (Java: getIndexBuffer), at most `maxBytes`.
   * Undefined when the index is below the minimum or not written.
   */
  async getIndexBuffer(startIndex: number, maxBytes: number): Promise<Buffer | undefined> {
    const offset = startIndex * CQ_STORE_UNIT_SIZE;
    if (offset < this.minLogicOffset || offset >= this.queue.wrotePosition) return undefined;
    const fileEnd = offset - (offset % this.fileSize) + this.fileSize;
    const end = Math.min(fileEnd, this.queue.wrotePosition, offset + maxBytes);
    return this.queue.read(offset, end - offset);
  }

  /** The unit at a queue offset: [commitLogOffset, size, tagsCode], or undefined. */
  async getUnit(index: number): Promise<[number, number, number] | undefined> {
    const b = await this.getIndexBuffer(index, CQ_STORE_UNIT_SIZE);
    if (!b || b.length < CQ_STORE_UNIT_SIZE) return undefined;
    return [readInt64(b, 0), b.readInt32BE(8), readInt64(b, 12)];
  }

  /** First queue offset of the next file (skip past a file that vanished). */
  rollNextFile(index: number): number {
    const perFile = this.fileSize / CQ_STORE_UNIT_SIZE;
    return index + perFile - (index % perFile);
  }

  /** Drops units whose record starts at or beyond `phyOffset` (Java: truncateDirtyLogicFiles). */
  async truncateDirtyLogicFiles(phyOffset: number): Promise<void> {
    await this.queue.commit();
    const files = this.queue.files;
    while (files.length > 0) {
      const f = files[files.length - 1]!;
      const written = Math.min(this.fileSize, this.queue.wrotePosition - f.fileFromOffset);
      if (written <= 0) {
        await f.destroy();
        files.pop();
        continue;
      }
      const buf = await f.read(0, written);
      let keep = 0;
      let maxPhysic = -1;
      for (let pos = 0; pos + CQ_STORE_UNIT_SIZE <= written; pos += CQ_STORE_UNIT_SIZE) {
        const offset = readInt64(buf, pos);
        const size = buf.readInt32BE(pos + 8);
        if (!(offset >= 0 && size > 0)) break;
        const isFiller = size === FILLER_SIZE && offset === 0;
        if (!isFiller && offset >= phyOffset) break;
        keep = pos + CQ_STORE_UNIT_SIZE;
        if (!isFiller) maxPhysic = offset + size;
      }
      if (keep === 0 && files.length > 1) {
        await f.destroy();
        files.pop();
        this.queue.resetTo(f.fileFromOffset);
        continue;
      }
      await this.queue.truncateDirtyFiles(f.fileFromOffset + keep);
      this.maxPhysicOffset = maxPhysic;
      return;
    }
    this.queue.resetTo(0);
    this.maxPhysicOffset = -1;
    this.minLogicOffset = 0;
  }

  /**
   * minLogicOffset := byte offset of the first unit whose record is still in the CommitLog (Java: correctMinOffset,
   * 5.x binary search over the first file).
   */
  async correctMinOffset(commitLogMinOffset: number): Promise<void> {
    const first = this.queue.files[0];
    if (!first) return;
    const written = Math.min(this.fileSize, this.queue.wrotePosition - first.fileFromOffset);
    if (written <= 0) return;
    const buf = await this.queue.read(first.fileFromOffset, written);
    let lo = 0;
    let hi = written / CQ_STORE_UNIT_SIZE - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const offset = readInt64(buf, mid * CQ_STORE_UNIT_SIZE);
      const size = buf.readInt32BE(mid * CQ_STORE_UNIT_SIZE + 8);
      const isFiller = size === FILLER_SIZE && offset === 0;
      if (!isFiller && offset >= commitLogMinOffset) {
        found = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    const min = found >= 0 ? first.fileFromOffset + found * CQ_STORE_UNIT_SIZE : first.fileFromOffset + written;
    this.minLogicOffset = Math.max(this.minLogicOffset, min);
  }

  commit(): Promise<void> {
    return this.queue.commit();
  }

  async flush(): Promise<void> {
    await this.queue.commit();
    await this.queue.flush();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
