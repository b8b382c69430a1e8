import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/** 20-digit zero-padded decimal: the name of a file that starts at `offset` (STORE.md §2). */
export function offset2FileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

/** Writes all `len` bytes of `buf` from `offset` at file `position` (positional writes may be short). */
export function writeFullySync(fd: number, buf: Buffer, offset: number, len: number, position: number): void {
  let done = 0;
  while (done < len) done += fs.writeSync(fd, buf, offset + done, len - done, position + done);
}

/**
 * One fixed-size file of a queue (Java: MappedFile), pre-sized to its full length as a sparse file because Java
 * refuses files of any other length. Node has no mmap: bytes go in with positional writes and out with positional
 * reads, and the page cache does the rest.
 */
export class MappedFile {
  /** Where valid data ends within this file (set by recovery or by writes). */
  wrotePosition = 0;
  flushedPosition = 0;

  private constructor(
    readonly file: string,
    readonly fileFromOffset: number,
    readonly fileSize: number,
    private readonly handle: fsp.FileHandle,
  ) {}

  /**
   * Creates the file under a temporary name, sizes it, then renames it: a crash can leave a stray .tmp file, never a
   * named file of the wrong length (which would stop both tsmq and Java from loading the store).
   */
  static async create(dir: string, fileFromOffset: number, fileSize: number): Promise<MappedFile> {
    const file = path.join(dir, offset2FileName(fileFromOffset));
    const tmp = `${file}.tmp`;
    await fsp.mkdir(dir, { recursive: true });
    const handle = await fsp.open(tmp, 'w+');
    try {
      await handle.truncate(fileSize);
      await fsp.rename(tmp, file);
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
    return new MappedFile(file, fileFromOffset, fileSize, handle);
  }

  /** Opens an existing file; its length must be exactly `fileSize`. */
  static async open(file: string, fileSize: number, readOnly = false): Promise<MappedFile> {
    const handle = await fsp.open(file, readOnly ? 'r' : 'r+');
    const st = await handle.stat();
    if (st.size !== fileSize) {
      await handle.close();
      throw new Error(`${file}: length ${st.size} does not match the configured file size ${fileSize}`);
    }
    const fileFromOffset = Number(path.basename(file));
    return new MappedFile(file, fileFromOffset, fileSize, handle);
  }

  get fileName(): string {
    return path.basename(this.file);
  }

  /**
   * Writes into the page cache on the calling thread: Java's appends are memory copies into an mmap, and a
   * positional write is the closest Node has. Handing each write to the libuv pool cost ~3x the CPU of the write
   * itself (a wake-up of a pool thread and a promise per call); page-cache writes return in microseconds.
   */
  writeSync(buf: Buffer, offset: number, len: number, position: number): void {
    writeFullySync(this.handle.fd, buf, offset, len, position);
  }

  async write(buf: Buffer, len: number, position: number): Promise<void> {
    let done = 0;
    while (done < len) {
      const { bytesWritten } = await this.handle.write(buf, done, len - done, position + done);
      done += bytesWritten;
    }
  }

  /** Reads `len` bytes at `position` into `into` at `at` (a fresh buffer if none). Short reads past EOF are zeros. */
  async read(position: number, len: number, into?: Buffer, at = 0): Promise<Buffer> {
    const out = into ?? Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const { bytesRead } = await this.handle.read(out, at + done, len - done, position + done);
      if (bytesRead === 0) {
        out.fill(0, at + done, at + len);
        break;
      }
      done += bytesRead;
    }
    return out;
  }

  /** Like read, on the calling thread: for bytes that are almost surely in the page cache (see MappedFileQueue). */
  readSync(position: number, len: number, into: Buffer, at = 0): Buffer {
    let done = 0;
    while (done < len) {
      const n = fs.readSync(this.handle.fd, into, at + done, len - done, position + done);
      if (n === 0) {
        into.fill(0, at + done, at + len);
        break;
      }
      done += n;
    }
    return into;
  }

  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  async mtimeMs(): Promise<number> {
    return (await this.handle.stat()).mtimeMs;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  async destroy(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fsp.rm(this.file, { force: true });
  }
}
