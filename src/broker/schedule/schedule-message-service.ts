import path from 'node:path';
import type { Logger } from '../../common/logger';
import { readInt64 } from '../../common/int64';
import { ConfigFile } from '../../store/config-file';
import { CQ_STORE_UNIT_SIZE } from '../../store/consume-queue';
import { decodeMessage } from '../../store/message-decoder';
import { MessageConst } from '../../store/message-properties';
import { SCHEDULE_TOPIC } from '../../store/message-store';
import { PutMessageStatus } from '../../store/put-message-result';
import type { BrokerContext } from '../broker-context';
import { innerFromStored, putMessage } from '../message-put';

/** Java: ScheduleMessageService's retry pause after a failed delivery. */
const DELAY_FOR_A_PERIOD = 10_000;
const DELAY_FOR_A_WHILE = 100;

/**
 * Delivers delayed messages (Java: ScheduleMessageService). Each level's queue in SCHEDULE_TOPIC_XXXX is read in
 * order from its cursor; a unit's tagsCode is its deliver time, and when that time has come the message is written
 * again to its REAL_TOPIC/REAL_QID without DELAY. Cursors persist in config/delayOffset.json every 10 s and at
 * shutdown: a clean restart neither loses nor repeats a delivery; after a crash, deliveries of the last interval may
 * be repeated (as in Java), never lost.
 */
export class ScheduleMessageService {
  readonly offsetTable = new Map<number, number>();
  private readonly file: ConfigFile;
  private timers = new Map<number, NodeJS.Timeout>();
  private flushTimer: NodeJS.Timeout | undefined;
  private running = false;
  private dirty = false;

  constructor(
    private readonly b: BrokerContext,
    private readonly logger: Logger,
  ) {
    this.file = new ConfigFile(path.join(b.storeConfig.storePathRootDir, 'config', 'delayOffset.json'), logger);
  }

  load(): void {
    const raw = this.file.load() as { offsetTable?: Record<string, unknown> } | undefined;
    for (const [level, offset] of Object.entries(raw?.offsetTable ?? {})) {
      if (/^\d+$/.test(level) && Number.isFinite(Number(offset))) this.offsetTable.set(Number(level), Number(offset));
    }
  }

  persist(): Promise<void> {
    this.dirty = false;
    return this.file.persist({ offsetTable: new Map([...this.offsetTable].sort((a, c) => a[0] - c[0])) });
  }

  start(): void {
    this.running = true;
    for (let level = 1; level <= this.b.store.maxDelayLevel; level++) {
      if (!this.offsetTable.has(level)) this.offsetTable.set(level, 0);
      this.schedule(level, 1000);
    }
    this.flushTimer = setInterval(() => {
      if (this.dirty) void this.persist();
    }, 10_000);
    this.flushTimer.unref();
  }

  private schedule(level: number, ms: number): void {
    if (!this.running) return;
    const t = setTimeout(() => {
      this.timers.delete(level);
      this.deliver(level).then(
        (next) => this.schedule(level, next),
        (err: unknown) => {
          this.logger.error('delayed message delivery failed; retrying', { level, error: (err as Error).message });
          this.schedule(level, DELAY_FOR_A_PERIOD);
        },
      );
    }, ms);
    t.unref();
    this.timers.set(level, t);
  }

  /** Delivers what is due on one level; returns how long to wait before looking again. */
  private async deliver(level: number): Promise<number> {
    const store = this.b.store;
    const queueId = level - 1;
    const cq = store.consumeQueues.find(SCHEDULE_TOPIC, queueId);
    let offset = this.offsetTable.get(level) ?? 0;
    if (!cq) return DELAY_FOR_A_WHILE;
    if (offset < cq.minOffsetInQueue) offset = cq.minOffsetInQueue;
    if (offset >= cq.maxOffsetInQueue) return DELAY_FOR_A_WHILE;
    const units = await cq.getIndexBuffer(offset, 32 * CQ_STORE_UNIT_SIZE);
    if (!units) {
      this.advance(level, cq.rollNextFile(offset));
      return DELAY_FOR_A_WHILE;
    }
    const delayMs = store.delayMillis(level);
    for (let i = 0; i < units.length; i += CQ_STORE_UNIT_SIZE, offset++) {
      const phy = readInt64(units, i);
      let deliverAt = readInt64(units, i + 12);
      const now = Date.now();
      // A deliver time further out than the level allows (a clock step back) is treated as due now.
      if (deliverAt > now + delayMs) deliverAt = now;
      if (deliverAt > now) {
        this.advance(level, offset);
        return Math.max(1, deliverAt - now);
      }
      const rec = await store.selectOneMessageByOffset(phy);
      if (rec) {
        const ok = await this.redeliver(rec);
        if (!ok) {
          this.advance(level, offset);
          return DELAY_FOR_A_PERIOD;
        }
      }
    }
    this.advance(level, offset);
    return 0;
  }

  private advance(level: number, offset: number): void {
    if (this.offsetTable.get(level) !== offset) {
      this.offsetTable.set(level, offset);
      this.dirty = true;
    }
  }

  /** Java: messageTimeup. The delivered message keeps REAL_TOPIC/REAL_QID and loses DELAY. */
  private async redeliver(rec: Buffer): Promise<boolean> {
    const m = decodeMessage(rec);
    const props = new Map(m.properties);
    const topic = props.get(MessageConst.REAL_TOPIC);
    const queueId = Number(props.get(MessageConst.REAL_QID));
    if (!topic || !Number.isInteger(queueId)) {
      this.logger.warn('delayed message without REAL_TOPIC/REAL_QID dropped', { msgId: m.msgId });
      return true;
    }
    props.delete(MessageConst.DELAY);
    const r = await putMessage(this.b, innerFromStored(m, topic, queueId, props), props, false);
    if (r.status !== PutMessageStatus.PUT_OK) {
      this.logger.warn('cannot deliver a delayed message; will retry', { topic, queueId, status: r.status, remark: r.remark });
      return false;
    }
    return true;
  }

  async shutdown(): Promise<void> {
    this.running = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.persist();
  }
}
