import fsp from 'node:fs/promises';
import path from 'node:path';
import { readInt64, writeInt64 } from '../common/int64';
import { javaStringHashCode } from '../common/java-hash';
import { writeFullySync } from './mapped-file';

export const INDEX_HEADER_SIZE = 40;
const HASH_SLOT_SIZE = 4;
const INDEX_SIZE = 20;

/** |String.hashCode|, with Integer.MIN_VALUE clamped to 0 as Java's code does (VECTORS.md V4). */
export function indexKeyHash(key: string): number {
  const h = javaStringHashCode(key);
  if (h === -2147483648) return 0;
  return h < 0 ? -h : h;
}

/** Index file name: creation time as yyyyMMddHHmmssSSS in the broker's local time zone. */
export function indexFileName(time: number): string {
  const d = new Date(time);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}${p(d.getMilliseconds(), 3)}`;
}

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

/**
 * One IndexFile (STORE.md §6): header, hash slots, items, each item chaining to the previous item of its slot.
 * The file being written keeps its slot table in memory (20 MB by default, in the file's own big-endian form) and
 * writes back only the 4 KiB pages it dirtied; items are appended to one buffer and written in batches. Writes go
 * into the page cache on the calling thread (see MappedFile#writeSync). Files that are full are only read, with
 * positional reads.
 */
export class IndexFile {
  header: IndexHeader;
  /** The slot table as stored: big-endian int32 per slot. */
  private slots: Buffer | undefined;
  private readonly dirtyPages = new Set<number>();
  /** Items not yet written: `pendingCount` of them from item number `pendingStart`. */
  private pending = Buffer.allocUnsafe(64 * 1024);
  private pendingCount = 0;
  private pendingStart = 0;
  private headerDirty = false;
  readonly fileSize: number;

  private constructor(
    readonly file: string,
    private readonly handle: fsp.FileHandle,
    readonly maxHashSlotNum: number,
    readonly maxIndexNum: number,
    header: IndexHeader,
  ) {
    this.header = header;
    this.fileSize = INDEX_HEADER_SIZE + maxHashSlotNum * HASH_SLOT_SIZE + maxIndexNum * INDEX_SIZE;
  }

  static async create(dir: string, name: string, maxHashSlotNum: number, maxIndexNum: number, prev?: IndexHeader): Promise<IndexFile> {
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, name);
    // Sized under a temporary name first: a crash never leaves an index file of the wrong length.
    const handle = await fsp.open(`${file}.tmp`, 'w+');
    const f = new IndexFile(file, handle, maxHashSlotNum, maxIndexNum, {
      beginTimestamp: prev?.endTimestamp ?? 0,
      endTimestamp: prev?.endTimestamp ?? 0,
      beginPhyOffset: prev?.endPhyOffset ?? 0,
      endPhyOffset: prev?.endPhyOffset ?? 0,
      hashSlotCount: 0,
      indexCount: 1,
    });
    await handle.truncate(f.fileSize);
    await fsp.rename(`${file}.tmp`, file);
    f.slots = Buffer.alloc(maxHashSlotNum * HASH_SLOT_SIZE);
    f.headerDirty = true;
    return f;
  }

  static async open(file: string, maxHashSlotNum: number, maxIndexNum: number): Promise<IndexFile> {
    const handle = await fsp.open(file, 'r+');
    const head = Buffer.alloc(INDEX_HEADER_SIZE);
    await handle.read(head, 0, INDEX_HEADER_SIZE, 0);
    const header: IndexHeader = {
      beginTimestamp: readInt64(head, 0),
      endTimestamp: readInt64(head, 8),
      beginPhyOffset: readInt64(head, 16),
      endPhyOffset: readInt64(head, 24),
      hashSlotCount: head.readInt32BE(32),
      indexCount: Math.max(1, head.readInt32BE(36)),
    };
    const f = new IndexFile(file, handle, maxHashSlotNum, maxIndexNum, header);
    const st = await handle.stat();
    if (st.size !== f.fileSize) {
      await handle.close();
      throw new Error(`${file}: length ${st.size} does not match the index file size ${f.fileSize}`);
    }
    return f;
  }

  get name(): string {
    return path.basename(this.file);
  }

  isFull(): boolean {
    return this.header.indexCount >= this.maxIndexNum;
  }

  /** Loads the slot table so the file can take more keys (the last file after a restart). */
  async makeWritable(): Promise<void> {
    if (this.slots) return;
    const bytes = Buffer.alloc(this.maxHashSlotNum * HASH_SLOT_SIZE);
    await this.handle.read(bytes, 0, bytes.length, INDEX_HEADER_SIZE);
    this.slots = bytes;
    this.pendingStart = this.header.indexCount;
  }

  /** Java IndexFile#putKey. Returns false when the file is full. */
  putKey(key: string, phyOffset: number, storeTimestamp: number): boolean {
    const h = this.header;
    if (h.indexCount >= this.maxIndexNum) return false;
    const slots = this.slots;
    if (!slots) throw new Error(`index file ${this.name} is not writable`);
    const keyHash = indexKeyHash(key);
    const slot = keyHash % this.maxHashSlotNum;
    let prev = slots.readInt32BE(slot * HASH_SLOT_SIZE);
    if (prev <= 0 || prev > h.indexCount) prev = 0;
    let timeDiff = h.beginTimestamp <= 0 ? 0 : Math.floor((storeTimestamp - h.beginTimestamp) / 1000);
    timeDiff = Math.max(0, Math.min(timeDiff, 2147483647));
    if (this.pendingCount === 0) this.pendingStart = h.indexCount;
    let at = this.pendingCount * INDEX_SIZE;
    if (at + INDEX_SIZE > this.pending.length) {
      const grown = Buffer.allocUnsafe(this.pending.length * 2);
      this.pending.copy(grown, 0, 0, at);
      this.pending = grown;
    }
    const item = this.pending;
    item.writeInt32BE(keyHash, at);
    writeInt64(item, phyOffset, at + 4);
    item.writeInt32BE(timeDiff, at + 12);
    item.writeInt32BE(prev, at + 16);
    this.pendingCount++;
    slots.writeInt32BE(h.indexCount, slot * HASH_SLOT_SIZE);
    this.dirtyPages.add(Math.floor((slot * HASH_SLOT_SIZE) / 4096));
    if (h.indexCount <= 1) {
      h.beginPhyOffset = phyOffset;
      h.beginTimestamp = storeTimestamp;
    }
    if (prev === 0) h.hashSlotCount++;
    h.indexCount++;
    h.endPhyOffset = phyOffset;
    h.endTimestamp = storeTimestamp;
    this.headerDirty = true;
    return true;
  }

  private encodeHeader(): Buffer {
    const b = Buffer.alloc(INDEX_HEADER_SIZE);
    const h = this.header;
    writeInt64(b, h.beginTimestamp, 0);
    writeInt64(b, h.endTimestamp, 8);
    writeInt64(b, h.beginPhyOffset, 16);
    writeInt64(b, h.endPhyOffset, 24);
    b.writeInt32BE(h.hashSlotCount, 32);
    b.writeInt32BE(h.indexCount, 36);
    return b;
  }

  /** Writes pending items, dirtied slot pages and the header. */
  async commit(): Promise<void> {
    this.commitSync();
  }

  private commitSync(): void {
    const fd = this.handle.fd;
    if (this.pendingCount > 0) {
      const at = INDEX_HEADER_SIZE + this.maxHashSlotNum * HASH_SLOT_SIZE + this.pendingStart * INDEX_SIZE;
      writeFullySync(fd, this.pending, 0, this.pendingCount * INDEX_SIZE, at);
      this.pendingCount = 0;
      // A burst can grow the buffer a lot; do not keep more than 1 MiB of it.
      if (this.pending.length > 1024 * 1024) this.pending = Buffer.allocUnsafe(64 * 1024);
    }
    const slots = this.slots;
    if (slots && this.dirtyPages.size > 0) {
      const pages = [...this.dirtyPages].sort((a, b) => a - b);
      this.dirtyPages.clear();
      let i = 0;
      while (i < pages.length) {
        let j = i;
        while (j + 1 < pages.length && pages[j + 1] === pages[j]! + 1) j++;
        const from = pages[i]! * 4096;
        const to = Math.min(slots.length, (pages[j]! + 1) * 4096);
        writeFullySync(fd, slots, from, to - from, INDEX_HEADER_SIZE + from);
        i = j + 1;
      }
    }
    if (this.headerDirty) {
      this.headerDirty = false;
      writeFullySync(fd, this.encodeHeader(), 0, INDEX_HEADER_SIZE, 0);
    }
  }

  async flush(): Promise<void> {
    await this.commit();
    await this.handle.datasync();
  }

  /** Releases the in-memory slot table once the file is full and written. */
  release(): void {
    this.slots = undefined;
  }

  private async readSlot(slot: number): Promise<number> {
    if (this.slots) return this.slots.readInt32BE(slot * HASH_SLOT_SIZE);
    const b = Buffer.alloc(4);
    await this.handle.read(b, 0, 4, INDEX_HEADER_SIZE + slot * HASH_SLOT_SIZE);
    return b.readInt32BE(0);
  }

  private async readItem(n: number): Promise<Buffer> {
    if (this.pendingCount > 0 && n >= this.pendingStart && n < this.pendingStart + this.pendingCount) {
      const at = (n - this.pendingStart) * INDEX_SIZE;
      return Buffer.from(this.pending.subarray(at, at + INDEX_SIZE));
    }
    const b = Buffer.alloc(INDEX_SIZE);
    await this.handle.read(b, 0, INDEX_SIZE, INDEX_HEADER_SIZE + this.maxHashSlotNum * HASH_SLOT_SIZE + n * INDEX_SIZE);
    return b;
  }

  /** Java IndexFile#selectPhyOffset: offsets of items whose key hash matches and whose time is in [begin, end]. */
  async selectPhyOffset(out: number[], key: string, maxNum: number, begin: number, end: number): Promise<void> {
    const h = this.header;
    const keyHash = indexKeyHash(key);
    const slot = keyHash % this.maxHashSlotNum;
    const first = await this.readSlot(slot);
    if (first <= 0 || first > h.indexCount || h.indexCount <= 1) return;
    let cur = first;
    for (;;) {
      if (out.length >= maxNum) return;
      const item = await this.readItem(cur);
      const hash = item.readInt32BE(0);
      const phy = readInt64(item, 4);
      const timeDiff = item.readInt32BE(12);
      const prev = item.readInt32BE(16);
      if (timeDiff < 0) return;
      const time = h.beginTimestamp + timeDiff * 1000;
      if (hash === keyHash && time >= begin && time <= end) out.push(phy);
      if (prev <= 0 || prev > h.indexCount || prev === cur || time < begin) return;
      cur = prev;
    }
  }

  isTimeMatched(begin: number, end: number): boolean {
    const h = this.header;
    return (begin < h.beginTimestamp && end > h.endTimestamp) || (begin >= h.beginTimestamp && begin <= h.endTimestamp) || (end >= h.beginTimestamp && end <= h.endTimestamp);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  async destroy(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fsp.rm(this.file, { force: true });
  }
}
