import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../common/logger';
import { ConsumeQueue } from './consume-queue';

/** topic -> queueId -> ConsumeQueue (Java: ConsumeQueueStore / DefaultMessageStore#consumeQueueTable). */
export class ConsumeQueueStore {
  readonly table = new Map<string, Map<number, ConsumeQueue>>();
  private readonly dirty = new Set<ConsumeQueue>();

  constructor(
    readonly rootDir: string,
    private readonly fileSize: number,
    private readonly logger: Logger,
    /** Bytes at the end of each queue read on the calling thread (see MappedFileQueue). */
    private readonly syncReadWindow = 0,
  ) {}

  /** Opens every queue directory (`<topic>/<numeric queueId>/`); other names are skipped, as Java does. */
  async load(): Promise<void> {
    let topics: string[] = [];
    try {
      topics = await fsp.readdir(this.rootDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const topic of topics) {
      const tdir = path.join(this.rootDir, topic);
      if (!(await fsp.stat(tdir)).isDirectory()) continue;
      for (const q of await fsp.readdir(tdir)) {
        if (!/^\d+$/.test(q)) continue;
        const cq = this.findOrCreate(topic, Number(q));
        await cq.load();
      }
    }
  }

  findOrCreate(topic: string, queueId: number): ConsumeQueue {
    let byId = this.table.get(topic);
    if (!byId) this.table.set(topic, (byId = new Map()));
    let cq = byId.get(queueId);
    if (!cq) {
      cq = new ConsumeQueue(topic, queueId, this.rootDir, this.fileSize, this.logger, this.syncReadWindow);
      byId.set(queueId, cq);
    }
    return cq;
  }

  find(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.table.get(topic)?.get(queueId);
  }

  *all(): Iterable<ConsumeQueue> {
    for (const byId of this.table.values()) yield* byId.values();
  }

  markDirty(cq: ConsumeQueue): void {
    this.dirty.add(cq);
  }

  /** Writes the units appended since the last call, one write per touched queue. */
  async commitDirty(): Promise<void> {
    if (this.dirty.size === 0) return;
    const queues = [...this.dirty];
    this.dirty.clear();
    await Promise.all(queues.map((q) => q.commit()));
  }

  async flushAll(): Promise<void> {
    await this.commitDirty();
    for (const cq of this.all()) await cq.flush();
  }

  /** Newest store time among units written (checkpoint logicsMsgTimestamp). */
  get lastStoreTimestamp(): number {
    let t = 0;
    for (const cq of this.all()) if (cq.lastStoreTimestamp > t) t = cq.lastStoreTimestamp;
    return t;
  }

  maxPhysicOffset(): number {
    let m = -1;
    for (const cq of this.all()) if (cq.maxPhysicOffset > m) m = cq.maxPhysicOffset;
    return m;
  }

  async deleteTopic(topic: string): Promise<void> {
    const byId = this.table.get(topic);
    if (!byId) return;
    this.table.delete(topic);
    for (const cq of byId.values()) {
      this.dirty.delete(cq);
      await cq.close();
    }
    await fsp.rm(path.join(this.rootDir, topic), { recursive: true, force: true });
  }

  /** Removes one queue's ConsumeQueue, and its topic when no queue is left. */
  async deleteQueue(topic: string, queueId: number): Promise<void> {
    const byId = this.table.get(topic);
    const cq = byId?.get(queueId);
    if (!byId || !cq) return;
    byId.delete(queueId);
    this.dirty.delete(cq);
    await cq.close();
    await fsp.rm(path.join(this.rootDir, topic, String(queueId)), { recursive: true, force: true });
    if (byId.size === 0) await this.deleteTopic(topic);
  }

  async close(): Promise<void> {
    await this.commitDirty();
    for (const cq of this.all()) await cq.close();
  }
}
