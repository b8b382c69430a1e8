import path from 'node:path';
import type { Logger } from '../common/logger';
import { ConfigFile } from '../store/config-file';

const SEP = '@';

/**
 * Committed consumer offsets, "topic@group" -> queueId -> next offset to consume (Java: ConsumerOffsetManager),
 * persisted to consumerOffset.json every flushConsumerOffsetInterval and at shutdown. Also remembers the last
 * nextBeginOffset handed out per queue (pull offsets, for consume stats).
 */
export class ConsumerOffsetManager {
  readonly offsetTable = new Map<string, Map<number, number>>();
  readonly pullOffsetTable = new Map<string, Map<number, number>>();
  /** Offsets reset on the server side and not yet handed to a pull, "topic@group" -> queueId -> offset. */
  private readonly resetOffsetTable = new Map<string, Map<number, number>>();
  private readonly file: ConfigFile;
  private dirty = false;

  constructor(storeRoot: string, private readonly logger: Logger) {
    this.file = new ConfigFile(path.join(storeRoot, 'config', 'consumerOffset.json'), logger);
  }

  load(): void {
    const raw = this.file.load() as { offsetTable?: Record<string, Record<string, unknown>> } | undefined;
    if (!raw) return;
    for (const [key, queues] of Object.entries(raw.offsetTable ?? {})) {
      const m = new Map<number, number>();
      for (const [q, o] of Object.entries(queues ?? {})) if (/^-?\d+$/.test(q) && Number.isFinite(Number(o))) m.set(Number(q), Number(o));
      this.offsetTable.set(key, m);
    }
    this.logger.info('consumer offsets loaded', { file: this.file.file, entries: this.offsetTable.size });
  }

  /** Writes consumerOffset.json if anything changed since the last write (or always when forced). */
  persist(force = false): Promise<void> {
    if (!this.dirty && !force) return this.file.flush();
    this.dirty = false;
    return this.file.persist({ offsetTable: new Map([...this.offsetTable].map(([k, v]) => [k, new Map([...v].sort((a, b) => a[0] - b[0]))])) });
  }

  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = topic + SEP + group;
    let m = this.offsetTable.get(key);
    if (!m) this.offsetTable.set(key, (m = new Map()));
    m.set(queueId, offset);
    this.dirty = true;
  }

  /** A reset on the server side: committed at once, and handed to the queue's next pull (Java: assignResetOffset). */
  assignResetOffset(group: string, topic: string, queueId: number, offset: number): void {
    if (!topic || !group || queueId < 0 || offset < 0) return;
    const key = topic + SEP + group;
    let m = this.resetOffsetTable.get(key);
    if (!m) this.resetOffsetTable.set(key, (m = new Map()));
    m.set(queueId, offset);
    this.commitOffset(group, topic, queueId, offset);
  }

  hasOffsetReset(group: string, topic: string, queueId: number): boolean {
    if (this.resetOffsetTable.size === 0) return false;
    return this.resetOffsetTable.get(topic + SEP + group)?.has(queueId) ?? false;
  }

  /** The pending reset of a queue, removed as it is returned. */
  queryThenEraseResetOffset(group: string, topic: string, queueId: number): number | undefined {
    // every pull asks: no key is built while no reset is pending
    if (this.resetOffsetTable.size === 0) return undefined;
    const m = this.resetOffsetTable.get(topic + SEP + group);
    const offset = m?.get(queueId);
    if (offset !== undefined) m!.delete(queueId);
    return offset;
  }

  /** The committed offset, or -1 (Java's "none"). */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.offsetTable.get(topic + SEP + group)?.get(queueId) ?? -1;
  }

  commitPullOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = topic + SEP + group;
    let m = this.pullOffsetTable.get(key);
    if (!m) this.pullOffsetTable.set(key, (m = new Map()));
    m.set(queueId, offset);
  }

  queryPullOffset(group: string, topic: string, queueId: number): number {
    return this.pullOffsetTable.get(topic + SEP + group)?.get(queueId) ?? -1;
  }

  /** Topics a group has offsets for. */
  topicsOfGroup(group: string): string[] {
    const out: string[] = [];
    for (const key of this.offsetTable.keys()) {
      const at = key.lastIndexOf(SEP);
      if (key.slice(at + 1) === group) out.push(key.slice(0, at));
    }
    return out;
  }

  /** Groups with offsets on a topic. */
  groupsOfTopic(topic: string): string[] {
    const out: string[] = [];
    for (const key of this.offsetTable.keys()) {
      const at = key.lastIndexOf(SEP);
      if (key.slice(0, at) === topic) out.push(key.slice(at + 1));
    }
    return out;
  }

  queueOffsets(group: string, topic: string): Map<number, number> | undefined {
    return this.offsetTable.get(topic + SEP + group);
  }

  removeTopic(topic: string): void {
    for (const key of [...this.offsetTable.keys()]) if (key.slice(0, key.lastIndexOf(SEP)) === topic) this.offsetTable.delete(key);
    this.dirty = true;
  }

  removeGroup(group: string): void {
    for (const key of [...this.offsetTable.keys()]) if (key.slice(key.lastIndexOf(SEP) + 1) === group) this.offsetTable.delete(key);
    this.dirty = true;
  }
}
