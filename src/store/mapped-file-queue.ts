import fsp from 'node:fs/promises';
import path from 'node:path';
import { MappedFile } from './mapped-file';

/** A run of bytes written but not yet in a file: [start, start + len) in the queue's address space. */
interface Chunk {
  start: number;
  buf: Buffer;
  len: number;
  /** Being written to the file; no more bytes may be added. */
  sealed: boolean;
}

/**
 * An ordered list of equal-size files that together form one address space (Java: MappedFileQueue). Appends land in
 * in-memory chunks; `commit` writes every chunk to its file with one positional write each and `flush` fdatasyncs.
 * Until a chunk is written, reads of its range are served from memory, so a reader never sees a hole.
 */
export class MappedFileQueue {
  readonly files: MappedFile[] = [];
  /** End of the data appended (in memory or in files). */
  wrotePosition = 0;
  /** End of the data handed to the OS. */
  committedPosition = 0;
  /** End of the data known to be on disk. */
  flushedPosition = 0;
  private readonly pending: Chunk[] = [];
  private readonly spare: Buffer[] = [];
  private committing: Promise<void> | undefined;
  private creating = new Map<number, Promise<MappedFile>>();

  constructor(
    readonly dir: string,
    readonly fileSize: number,
    private readonly chunkSize = Math.min(fileSize, 4 * 1024 * 1024),
  ) {}

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
    for (const n of names) {
      const f = await MappedFile.open(path.join(this.dir, n), this.fileSize);
      f.wrotePosition = f.flushedPosition = this.fileSize;
      this.files.push(f);
    }
  }

  get minOffset(): number {
    return this.files.length > 0 ? this.files[0]!.fileFromOffset : this.pending.length > 0 ? this.pending[0]!.start : 0;
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
    this.wrotePosition = this.committedPosition = this.flushedPosition = offset;
  }

  /** Starts an empty queue at `offset` (a queue whose first data does not start at 0). */
  resetTo(offset: number): void {
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
    let c = this.pending[this.pending.length - 1];
    const fileOf = (o: number) => Math.floor(o / this.fileSize);
    if (!c || c.sealed || c.len + len > c.buf.length || fileOf(c.start) !== fileOf(this.wrotePosition) || c.start + c.len !== this.wrotePosition) {
      const size = Math.max(len, this.chunkSize);
      const buf = size === this.chunkSize ? (this.spare.pop() ?? Buffer.allocUnsafe(size)) : Buffer.allocUnsafe(size);
      c = { start: this.wrotePosition, buf, len: 0, sealed: false };
      this.pending.push(c);
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

  /** Writes every pending chunk to its file (creating files as needed). Concurrent calls share one round. */
  commit(): Promise<void> {
    if (this.committing) return this.committing.then(() => (this.hasUncommitted ? this.commit() : undefined));
    if (!this.hasUncommitted) return Promise.resolve();
    const round = this.pending.filter((c) => !c.sealed && c.len > 0);
    for (const c of round) c.sealed = true;
    const end = this.wrotePosition;
    this.committing = (async () => {
      try {
        for (const c of round) {
          const f = await this.fileFor(c.start);
          await f.write(c.buf, c.len, c.start - f.fileFromOffset);
          f.wrotePosition = Math.max(f.wrotePosition, c.start + c.len - f.fileFromOffset);
        }
        this.committedPosition = Math.max(this.committedPosition, end);
      } finally {
        for (const c of round) {
          const i = this.pending.indexOf(c);
          if (i >= 0) this.pending.splice(i, 1);
          if (c.buf.length === this.chunkSize && this.spare.length < 2) this.spare.push(c.buf);
        }
        this.committing = undefined;
      }
    })();
    return this.committing;
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

  /** Reads [offset, offset + len) from memory and files. The range must lie within one file and below wrotePosition. */
  async read(offset: number, len: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(len);
    let fileEnd = offset + len;
    // The in-memory part: chunks cover the tail of the address space.
    for (const c of this.pending) {
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
      await f.read(offset - f.fileFromOffset, fileEnd - offset, out, 0);
    }
    return out;
  }

  /** Removes the oldest file (retention). The caller decides which. */
  async deleteFirstFile(): Promise<MappedFile | undefined> {
    const f = this.files.shift();
    if (f) await f.destroy();
    return f;
  }

  async close(): Promise<void> {
    await this.commit();
    for (const f of this.files) await f.close();
  }
}
