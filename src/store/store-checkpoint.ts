import fsp from 'node:fs/promises';
import path from 'node:path';
import * as BufferLayout from 'buffer-layout';

/**
 * The `checkpoint` file (STORE.md §7): 4096 bytes, of which 4.9.x uses the first 24 and 5.x the first 40.
 * Abnormal recovery starts from the newest CommitLog file whose first record is older than
 * min(physicMsgTimestamp, logicsMsgTimestamp) - 3 s, so these times must never run ahead of what is durable.
 */
export interface CheckpointFields {
  physicMsgTimestamp: number;
  logicsMsgTimestamp: number;
  indexMsgTimestamp: number;
  masterFlushedOffset: number;
  confirmPhyOffset: number;
}

const LAYOUT = BufferLayout.struct<CheckpointFields>([
  BufferLayout.ns64be('physicMsgTimestamp'),
  BufferLayout.ns64be('logicsMsgTimestamp'),
  BufferLayout.ns64be('indexMsgTimestamp'),
  BufferLayout.ns64be('masterFlushedOffset'),
  BufferLayout.ns64be('confirmPhyOffset'),
]);

export const CHECKPOINT_FILE_SIZE = 4096;

export class StoreCheckpoint implements CheckpointFields {
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;
  masterFlushedOffset = 0;
  confirmPhyOffset = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  static decode(buf: Buffer): CheckpointFields {
    return LAYOUT.decode(buf, 0);
  }

  static encode(fields: CheckpointFields): Buffer {
    const buf = Buffer.alloc(CHECKPOINT_FILE_SIZE);
    LAYOUT.encode(fields, buf, 0);
    return buf;
  }

  async load(): Promise<void> {
    let buf: Buffer;
    try {
      buf = await fsp.readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (buf.length < LAYOUT.span) buf = Buffer.concat([buf, Buffer.alloc(LAYOUT.span - buf.length)]);
    Object.assign(this, StoreCheckpoint.decode(buf));
  }

  /** Java: max(0, min(physic, logics) - 3000), lowered to indexMsgTimestamp when the index must be safe. */
  minTimestamp(indexSafe: boolean): number {
    let min = Math.max(0, Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp) - 3000);
    if (indexSafe) min = Math.min(min, this.indexMsgTimestamp);
    return min;
  }

  /** Writes and fdatasyncs the file; calls are serialized. */
  flush(): Promise<void> {
    const snapshot = StoreCheckpoint.encode(this);
    this.writing = this.writing.then(async () => {
      await fsp.mkdir(path.dirname(this.file), { recursive: true });
      const fh = await fsp.open(this.file, 'a+').then(async (h) => {
        await h.close();
        return fsp.open(this.file, 'r+');
      });
      try {
        await fh.write(snapshot, 0, snapshot.length, 0);
        await fh.datasync();
      } finally {
        await fh.close();
      }
    });
    return this.writing;
  }
}
