import fsp from 'node:fs/promises';
import path from 'node:path';
import { MappedFile } from './mapped-file';

/**
 * Writes at least this long go through the libuv pool; shorter ones are written on the calling thread, where they
 * cost less than the hand-off (see MappedFile#writeSync).
 */
const ASYNC_WRITE_BYTES = 256 * 1024;

/** Size of the aligned blocks that reads of older data are served from (see MappedFileQueue#blockRead). */
export const READ_BLOCK_SIZE = 256 * 1024;

/**
 * A run of the queue's newest bytes, in memory: [start, start + len). Bytes below `written` are in the file too;
 * the chunk stays as a read cache until it ages out.
 */
interface Chunk {
  start: number;
  buf: Buffer;
  len: number;
  written: number;
}

/**
 * An ordered list of equal-size files that together form one address space (Java: MappedFileQueue). Appends land in
 * in-memory chunks; `commit` writes what each chunk gained since the last commit with one positional write, and
 * `flush` fdatasyncs. The newest `cacheBytes` stay in memory after they are written, so readers that keep up with
 * the writers (consumers at the tail of a queue) are served without touching the file.
 */
export class MappedFileQueue {
  readonly files: MappedFile[] = [];
  /** End of the data appended (in memory or in files). */
  wrotePosition = 0;
  /** End of the data handed to the OS. */
  committedPosition = 0;
  /** End of the data known to be on disk. */
  flushedPosition = 0;
  private chunks: Chunk[] = [];
  private readonly spare: Buffer[] = [];
  private committing: Promise<void> | undefined;
  private creating = new Map<number, Promise<MappedFile>>();

  constructor(
    readonly dir: string,
    readonly fileSize: number,
    private readonly chunkSize = Math.min(fileSize, 4 * 1024 * 1024),
    private readonly cacheBytes = 0,
    /**
     * Reads at most this far below the end are done on the calling thread: recent bytes are in the page cache, and
     * a read from it costs less than the hand-off to the libuv pool (Java's reads of its mmap are page-cache reads
     * too; it uses the same window, accessMessageInMemoryMaxRatio of RAM, to tell hot data from cold). Older bytes
     * may need the disk and go through the pool so a slow read never stalls the event loop.
     */
    private readonly syncReadWindow = 0,
    /**
     * Blocks of READ_BLOCK_SIZE kept for reads below the in-memory tail (0: none). Consumers of a topic's queues
     * read records that are interleaved in the same stretch of the CommitLog; a block read once serves all of them,
     * as views (Java's readers get the same from the page cache through its mmap).
     */
    readBlocks = 0,
  ) {
    this.maxBlocks = fileSize % READ_BLOCK_SIZE === 0 ? readBlocks : 0;
  }

  private readonly maxBlocks: number;
  /** Block index -> the block's bytes, least recently used first. Blocks are never written after they are read. */
  private readonly blocks = new Map<number, Buffer>();
  private readonly pendingBlocks = new Map<number, Promise<Buffer>>();

  /** Opens every file in the directory, in name order; sizes must match. Write positions are set later by recovery. */
  async load(): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    names = names.filter((n) => /^\d{20}$/.test(n)).sort();
    for (let i = 0; i < names.length; i++) {
      const n = names[i]!;
      const full = path.join(this.dir, n);
      // An empty last file is what a crash during file creation leaves behind (Java 5.1.3+ deletes it too).
      if (i === names.length - 1 && (await fsp.stat(full)).size === 0) {
        await fsp.rm(full, { force: true });
        continue;
      }
      const f = await MappedFile.open(full, this.fileSize);
      f.wrotePosition = f.flushedPosition = this.fileSize;
      this.files.push(f);
    }
  }

  get minOffset(): number {
    return this.files.length > 0 ? this.files[0]!.fileFromOffset : this.chunks.length > 0 ? this.chunks[0]!.start : 0;
  }

  /** Sets the end of valid data after recovery: files starting beyond it are deleted. */
  async truncateDirtyFiles(offset: number): Promise<void> {
    const keep: MappedFile[] = [];
    for (const f of this.files) {
      const end = f.fileFromOffset + this.fileSize;
      if (end > offset) {
        if (offset >= f.fileFromOffset) {
          f.wrotePosition = f.flushedPosition = offset - f.fileFromOffset;
          keep.push(f);
        } else {
          await f.destroy();
        }
      } else keep.push(f);
    }
    this.files.splice(0, this.files.length, ...keep);
    this.chunks = [];
    this.blocks.clear();
    this.wrotePosition = this.committedPosition = this.flushedPosition = offset;
  }

  /** Starts an empty queue at `offset` (a queue whose first data does not start at 0). */
  resetTo(offset: number): void {
    this.chunks = [];
    this.blocks.clear();
    this.wrotePosition = this.committedPosition = this.flushedPosition = offset;
  }

  findFileByOffset(offset: number): MappedFile | undefined {
    if (this.files.length === 0) return undefined;
    const first = this.files[0]!;
    const idx = Math.floor(offset / this.fileSize) - Math.floor(first.fileFromOffset / this.fileSize);
    const f = this.files[idx];
    if (f && offset >= f.fileFromOffset && offset < f.fileFromOffset + this.fileSize) return f;
    return this.files.find((x) => offset >= x.fileFromOffset && offset < x.fileFromOffset + this.fileSize);
  }

  /**
   * Returns a region of `len` bytes at the current end, in memory, that the caller fills completely. The region
   * never crosses a file boundary; callers keep records inside one file (BLANK handling is theirs).
   */
  reserve(len: number): { buf: Buffer; pos: number } {
    let c = this.chunks[this.chunks.length - 1];
    const fileOf = (o: number) => Math.floor(o / this.fileSize);
    if (!c || c.len + len > c.buf.length || fileOf(c.start) !== fileOf(this.wrotePosition) || c.start + c.len !== this.wrotePosition) {
      const size = Math.max(len, this.chunkSize);
      const buf = size === this.chunkSize ? (this.spare.pop() ?? Buffer.allocUnsafe(size)) : Buffer.allocUnsafe(size);
      c = { start: this.wrotePosition, buf, len: 0, written: 0 };
      this.chunks.push(c);
    }
    const pos = c.len;
    c.len += len;
    this.wrotePosition += len;
    return { buf: c.buf, pos };
  }

  /** Moves the end forward without writing (the unwritten tail of a CommitLog file after its BLANK). */
  skipTo(offset: number): void {
    if (offset > this.wrotePosition) this.wrotePosition = offset;
  }

  get hasUncommitted(): boolean {
    return this.wrotePosition > this.committedPosition;
  }

  /**
   * Writes what every chunk gained since the last commit (creating files as needed). Appends may continue into a
   * chunk while its earlier bytes are being written: the write covers only the bytes present when it started.
   */
  commit(): Promise<void> {
    if (this.committing) return this.committing.then(() => (this.hasUncommitted ? this.commit() : undefined));
    if (!this.hasUncommitted) return Promise.resolve();
    const work: Array<{ c: Chunk; from: number; to: number }> = [];
    for (const c of this.chunks) if (c.written < c.len) work.push({ c, from: c.written, to: c.len });
    let pending: Promise<void> | undefined;
    try {
      pending = this.commitFrom(work, 0, this.wrotePosition);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!pending) return Promise.resolve();
    const p = pending.finally(() => {
      if (this.committing === p) this.committing = undefined;
    });
    this.committing = p;
    return p;
  }

  /** Writes work[i..] in place; only a file that must be created first makes it asynchronous. */
  private commitFrom(work: Array<{ c: Chunk; from: number; to: number }>, i: number, end: number): Promise<void> | undefined {
    for (; i < work.length; i++) {
      const w = work[i]!;
      const f = this.findFileByOffset(w.c.start);
      if (!f) {
        const at = i;
        return this.fileFor(w.c.start).then(() => this.commitFrom(work, at, end));
      }
      const len = w.to - w.from;
      const position = w.c.start + w.from - f.fileFromOffset;
      if (len >= ASYNC_WRITE_BYTES) {
        // A large write (batches, big messages) is mostly copying: a pool thread does it on the other core.
        const at = i;
        return f.write(w.c.buf.subarray(w.from), len, position).then(() => {
          markWritten(w, f);
          return this.commitFrom(work, at + 1, end);
        });
      }
      f.writeSync(w.c.buf, w.from, len, position);
      markWritten(w, f);
    }
    this.committedPosition = Math.max(this.committedPosition, end);
    this.evict();
    return undefined;
  }

  /** Drops the oldest written chunks while more than cacheBytes are cached; the last chunk always stays. */
  private evict(): void {
    let cached = 0;
    for (let i = 0; i < this.chunks.length - 1; i++) cached += this.chunks[i]!.len;
    while (this.chunks.length > 1 && cached > this.cacheBytes) {
      const old = this.chunks[0]!;
      if (old.written < old.len) return;
      this.chunks.shift();
      cached -= old.len;
      if (old.buf.length === this.chunkSize && this.spare.length < 2) this.spare.push(old.buf);
    }
  }

  /** The file that holds `offset`, created (pre-sized) if it does not exist yet. */
  async fileFor(offset: number): Promise<MappedFile> {
    const existing = this.findFileByOffset(offset);
    if (existing) return existing;
    const from = offset - (offset % this.fileSize);
    let p = this.creating.get(from);
    if (!p) {
      p = MappedFile.create(this.dir, from, this.fileSize).then((f) => {
        this.files.push(f);
        this.files.sort((a, b) => a.fileFromOffset - b.fileFromOffset);
        this.creating.delete(from);
        return f;
      });
      this.creating.set(from, p);
    }
    return p;
  }

  /** fdatasyncs the files holding committed but unflushed bytes. Returns the new flushed position. */
  async flush(): Promise<number> {
    const target = this.committedPosition;
    if (target <= this.flushedPosition) return this.flushedPosition;
    for (const f of this.files) {
      const end = f.fileFromOffset + this.fileSize;
      if (end <= this.flushedPosition || f.fileFromOffset >= target) continue;
      await f.sync();
      f.flushedPosition = Math.min(this.fileSize, target - f.fileFromOffset);
    }
    this.flushedPosition = Math.max(this.flushedPosition, target);
    return this.flushedPosition;
  }

  /**
   * Reads [offset, offset + len) from memory and files. The range must lie within one file and below wrotePosition.
   * The result may be a view of a cached block: callers must not write into it.
   */
  async read(offset: number, len: number): Promise<Buffer> {
    const fromBlocks = this.blockRead(offset, len);
    if (fromBlocks) return fromBlocks;
    const out = Buffer.allocUnsafe(len);
    let fileEnd = offset + len;
    // The in-memory part: chunks cover the tail of the address space.
    for (const c of this.chunks) {
      const a = Math.max(offset, c.start);
      const b = Math.min(offset + len, c.start + c.len);
      if (a < b) {
        c.buf.copy(out, a - offset, a - c.start, b - c.start);
        fileEnd = Math.min(fileEnd, a);
      }
    }
    if (fileEnd > offset) {
      const f = this.findFileByOffset(offset);
      if (!f) throw new Error(`no file holds offset ${offset} in ${this.dir}`);
      if (offset >= this.wrotePosition - this.syncReadWindow) f.readSync(offset - f.fileFromOffset, fileEnd - offset, out, 0);
      else await f.read(offset - f.fileFromOffset, fileEnd - offset, out, 0);
    }
    return out;
  }

  /**
   * The same bytes as read() when they are in memory already (the in-memory tail, or a cached block), without a
   * promise; undefined otherwise. Pulls read many small records, most of them from memory.
   */
  readCached(offset: number, len: number): Buffer | undefined {
    const end = offset + len;
    const last = this.chunks[this.chunks.length - 1];
    if (last && offset >= last.start && end <= last.start + last.len) {
      const out = Buffer.allocUnsafe(len);
      last.buf.copy(out, 0, offset - last.start, end - last.start);
      return out;
    }
    const first = this.firstBlockOf(offset, len);
    if (first === undefined || Math.floor((end - 1) / READ_BLOCK_SIZE) !== first) return undefined;
    const at = offset - first * READ_BLOCK_SIZE;
    return this.blocks.get(first)?.subarray(at, at + len);
  }

  /**
   * The block holding `offset` when [offset, offset + len) may be served from blocks: below the in-memory tail and
   * in at most two whole committed blocks. Undefined otherwise.
   */
  private firstBlockOf(offset: number, len: number): number | undefined {
    if (this.maxBlocks === 0 || len === 0) return undefined;
    const end = offset + len;
    if (this.chunks.length > 0 && end > this.chunks[0]!.start) return undefined;
    const first = Math.floor(offset / READ_BLOCK_SIZE);
    const last = Math.floor((end - 1) / READ_BLOCK_SIZE);
    if (last - first > 1 || (last + 1) * READ_BLOCK_SIZE > this.committedPosition) return undefined;
    return first;
  }

  /**
   * A read served from cached blocks, or undefined when the range is not below the in-memory tail in whole committed
   * blocks. Within one block the result is a view; across two it is a copy.
   */
  private blockRead(offset: number, len: number): Promise<Buffer> | undefined {
    const first = this.firstBlockOf(offset, len);
    if (first === undefined) return undefined;
    const last = Math.floor((offset + len - 1) / READ_BLOCK_SIZE);
    const at = offset - first * READ_BLOCK_SIZE;
    if (first === last) {
      const b = this.block(first);
      if (b instanceof Promise) return b.then((x) => x.subarray(at, at + len));
      return Promise.resolve(b.subarray(at, at + len));
    }
    return Promise.all([this.block(first), this.block(last)]).then(([a, b]) => {
      const out = Buffer.allocUnsafe(len);
      const head = READ_BLOCK_SIZE - at;
      a.copy(out, 0, at, READ_BLOCK_SIZE);
      b.copy(out, head, 0, len - head);
      return out;
    });
  }

  /** A block from the cache, or read (on this thread when in the hot window, else through the pool) and cached. */
  private block(index: number): Buffer | Promise<Buffer> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const pending = this.pendingBlocks.get(index);
    if (pending) return pending;
    const start = index * READ_BLOCK_SIZE;
    const f = this.findFileByOffset(start);
    if (!f) return Promise.reject(new Error(`no file holds offset ${start} in ${this.dir}`));
    const buf = Buffer.allocUnsafe(READ_BLOCK_SIZE);
    if (start >= this.wrotePosition - this.syncReadWindow) {
      f.readSync(start - f.fileFromOffset, READ_BLOCK_SIZE, buf, 0);
      this.cacheBlock(index, buf);
      return buf;
    }
    const p = f.read(start - f.fileFromOffset, READ_BLOCK_SIZE, buf, 0).then(
      () => {
        this.pendingBlocks.delete(index);
        if (this.files.includes(f)) this.cacheBlock(index, buf);
        return buf;
      },
      (err: unknown) => {
        this.pendingBlocks.delete(index);
        throw err;
      },
    );
    this.pendingBlocks.set(index, p);
    return p;
  }

  private cacheBlock(index: number, buf: Buffer): void {
    this.blocks.set(index, buf);
    if (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
  }

  /** Removes the oldest file (retention). The caller decides which. */
  async deleteFirstFile(): Promise<MappedFile | undefined> {
    const f = this.files.shift();
    if (!f) return undefined;
    const from = f.fileFromOffset / READ_BLOCK_SIZE;
    const to = (f.fileFromOffset + this.fileSize) / READ_BLOCK_SIZE;
    for (const k of [...this.blocks.keys()]) if (k >= from && k < to) this.blocks.delete(k);
    await f.destroy();
    return f;
  }

  async close(): Promise<void> {
    await this.commit();
    for (const f of this.files) await f.close();
  }
}

/** A chunk's bytes up to `w.to` are in file `f`. */
function markWritten(w: { c: Chunk; to: number }, f: MappedFile): void {
  w.c.written = w.to;
  f.wrotePosition = Math.max(f.wrotePosition, w.c.start + w.to - f.fileFromOffset);
}
