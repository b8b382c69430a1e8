import path from 'node:path';
import type { Logger } from '../../common/logger';
import { readInt64 } from '../../common/int64';
import { ConfigFile } from '../../store/config-file';
import { CQ_STORE_UNIT_SIZE } from '../../store/consume-queue';
import type { MessageExtBrokerInner } from '../../store/message-ext';
import { decodeMessage } from '../../store/message-decoder';
import { formatProperties, MessageConst } from '../../store/message-properties';
import { PutMessageStatus, type PutMessageResult } from '../../store/put-message-result';
import type { BrokerContext } from '../broker-context';
import { hintsOf, innerFromStored } from '../message-put';

export const TIMER_TOPIC = 'rmq_sys_wheel_timer';
export const TIMER_DELIVER_MS = 'TIMER_DELIVER_MS';
export const TIMER_DELAY_SEC = 'TIMER_DELAY_SEC';
export const TIMER_DELAY_MS = 'TIMER_DELAY_MS';
export const TIMER_OUT_MS = 'TIMER_OUT_MS';
const TIMER_ENQUEUE_MS = 'TIMER_ENQUEUE_MS';
const TIMER_DEQUEUE_MS = 'TIMER_DEQUEUE_MS';

/**
 * When to deliver: the time the producer asked for. TIMER_OUT_MS is that time rounded down to timerPrecisionMs (the
 * value Java stores, kept for compatibility), which would deliver up to a second early.
 */
function deliverTime(m: { properties: Map<string, string>; storeTimestamp: number }): number {
  const p = m.properties;
  const asked = p.has(TIMER_DELIVER_MS)
    ? Number(p.get(TIMER_DELIVER_MS))
    : p.has(TIMER_DELAY_SEC)
      ? m.storeTimestamp + Number(p.get(TIMER_DELAY_SEC)) * 1000
      : p.has(TIMER_DELAY_MS)
        ? m.storeTimestamp + Number(p.get(TIMER_DELAY_MS))
        : Number.NaN;
  return Number.isFinite(asked) ? asked : Number(p.get(TIMER_OUT_MS) ?? 0);
}

interface Pending {
  deliverAt: number;
  queueOffset: number;
  commitLogOffset: number;
}

/**
 * 5.x timer messages (TIMER_DELIVER_MS, TIMER_DELAY_SEC, TIMER_DELAY_MS): stored in rmq_sys_wheel_timer with their
 * deliver time in TIMER_OUT_MS (Java: HookUtils#transformTimerMessage), then delivered to REAL_TOPIC/REAL_QID when
 * due. Java keeps a timing wheel on disk; tsmq keeps a heap in memory and rebuilds it at start from the timer
 * topic's ConsumeQueue, from the lowest undelivered offset. Which offsets above that are already delivered is
 * persisted with it (config/timerProgress.json), so a restart neither loses nor repeats a delivery.
 */
export class TimerMessageService {
  private heap: Pending[] = [];
  private readonly delivered = new Set<number>();
  private scanned = 0;
  private minUndelivered = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private readonly file: ConfigFile;
  private running = false;
  private delivering = false;
  private dirty = false;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly b: BrokerContext,
    private readonly logger: Logger,
  ) {
    this.file = new ConfigFile(path.join(b.storeConfig.storePathRootDir, 'config', 'timerProgress.json'), logger);
  }

  static isTimerMessage(props: Map<string, string>): boolean {
    return props.has(TIMER_DELIVER_MS) || props.has(TIMER_DELAY_SEC) || props.has(TIMER_DELAY_MS);
  }

  /**
   * Java: transformTimerMessage. Returns a refusal, or undefined when the message was rewritten for the timer topic
   * (or is due already and goes out unchanged). A DELAY level wins over timer properties, which are then dropped.
   */
  transform(inner: MessageExtBrokerInner, props: Map<string, string>): PutMessageResult | undefined {
    const c = this.b.config;
    if (props.has(MessageConst.DELAY)) {
      for (const k of [TIMER_DELIVER_MS, TIMER_DELAY_SEC, TIMER_DELAY_MS]) props.delete(k);
      inner.propertiesString = formatProperties(props);
      return undefined;
    }
    if (!c.timerWheelEnable) {
      return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: `accurate timer message is not enabled, timerWheelEnable is ${c.timerWheelEnable}` };
    }
    const now = Date.now();
    let deliverMs: number;
    if (props.has(TIMER_DELAY_SEC)) deliverMs = now + Number(props.get(TIMER_DELAY_SEC)) * 1000;
    else if (props.has(TIMER_DELAY_MS)) deliverMs = now + Number(props.get(TIMER_DELAY_MS));
    else deliverMs = Number(props.get(TIMER_DELIVER_MS));
    if (!Number.isFinite(deliverMs)) return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: 'timer property is not a number' };
    if (deliverMs <= now) return undefined;
    if (deliverMs - now > c.timerMaxDelaySec * 1000) {
      return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: `timer message delay exceeds timerMaxDelaySec ${c.timerMaxDelaySec}` };
    }
    const p = c.timerPrecisionMs;
    deliverMs = deliverMs % p === 0 ? deliverMs - p : Math.floor(deliverMs / p) * p;
    props.set(TIMER_OUT_MS, String(deliverMs));
    props.set(MessageConst.REAL_TOPIC, inner.topic);
    props.set(MessageConst.REAL_QID, String(inner.queueId));
    inner.topic = TIMER_TOPIC;
    inner.queueId = 0;
    inner.propertiesString = formatProperties(props);
    return undefined;
  }

  load(): void {
    const raw = this.file.load() as { minUndelivered?: number; deliveredAbove?: number[] } | undefined;
    if (!raw) return;
    this.minUndelivered = Number(raw.minUndelivered ?? 0) || 0;
    this.scanned = this.minUndelivered;
    for (const o of raw.deliveredAbove ?? []) this.delivered.add(Number(o));
  }

  persist(): Promise<void> {
    this.dirty = false;
    return this.file.persist({ deliveredAbove: [...this.delivered].sort((a, c) => a - c), minUndelivered: this.minUndelivered });
  }

  start(): void {
    this.running = true;
    void this.scan();
    this.flushTimer = setInterval(() => {
      if (this.dirty) void this.persist();
    }, 1000);
    this.flushTimer.unref();
  }

  /** The store dispatched a record to the timer topic: pick it up. */
  onArrival(): void {
    if (this.running) void this.scan();
  }

  private scanning = false;

  /** Reads new units of the timer topic into the heap. The unit's record holds TIMER_OUT_MS. */
  private async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      const store = this.b.store;
      const cq = store.consumeQueues.find(TIMER_TOPIC, 0);
      if (!cq) return;
      if (this.scanned < cq.minOffsetInQueue) this.scanned = cq.minOffsetInQueue;
      while (this.scanned < cq.maxOffsetInQueue) {
        const units = await cq.getIndexBuffer(this.scanned, 64 * CQ_STORE_UNIT_SIZE);
        if (!units) {
          this.scanned = cq.rollNextFile(this.scanned);
          continue;
        }
        for (let i = 0; i < units.length; i += CQ_STORE_UNIT_SIZE, this.scanned++) {
          if (this.delivered.has(this.scanned)) continue;
          const phy = readInt64(units, i);
          const rec = await store.selectOneMessageByOffset(phy);
          if (!rec) continue;
          this.push({ deliverAt: deliverTime(decodeMessage(rec)), queueOffset: this.scanned, commitLogOffset: phy });
        }
      }
    } finally {
      this.scanning = false;
    }
    this.arm();
  }

  private push(p: Pending): void {
    const h = this.heap;
    h.push(p);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.deliverAt <= h[i]!.deliverAt) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private pop(): Pending | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.deliverAt < h[m]!.deliverAt) m = l;
        if (r < h.length && h[r]!.deliverAt < h[m]!.deliverAt) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  private arm(): void {
    const next = this.heap[0];
    if (!next || !this.running) return;
    if (next.deliverAt >= this.armedFor && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next.deliverAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedFor = Number.POSITIVE_INFINITY;
      void this.deliverDue();
    }, Math.max(0, next.deliverAt - Date.now()));
    this.timer.unref();
  }

  private async deliverDue(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.heap.length > 0 && this.heap[0]!.deliverAt <= Date.now() && this.running) {
        const p = this.pop()!;
        if (!(await this.deliver(p))) {
          this.push({ ...p, deliverAt: Date.now() + 1000 });
          break;
        }
        this.delivered.add(p.queueOffset);
        this.advanceMin();
        this.dirty = true;
      }
    } finally {
      this.delivering = false;
      this.arm();
    }
  }

  /** minUndelivered moves past a run of delivered offsets, which then need not be remembered. */
  private advanceMin(): void {
    while (this.delivered.has(this.minUndelivered)) this.delivered.delete(this.minUndelivered++);
    const pendingMin = this.heap.reduce((m, p) => Math.min(m, p.queueOffset), Number.POSITIVE_INFINITY);
    if (pendingMin === Number.POSITIVE_INFINITY && this.delivered.size === 0 && this.scanned > this.minUndelivered) this.minUndelivered = this.scanned;
  }

  private async deliver(p: Pending): Promise<boolean> {
    const rec = await this.b.store.selectOneMessageByOffset(p.commitLogOffset);
    if (!rec) return true;
    const m = decodeMessage(rec);
    const props = new Map(m.properties);
    const topic = props.get(MessageConst.REAL_TOPIC);
    const queueId = Number(props.get(MessageConst.REAL_QID));
    if (!topic || !Number.isInteger(queueId)) return true;
    props.delete(TIMER_OUT_MS);
    props.set(TIMER_ENQUEUE_MS, String(m.storeTimestamp));
    props.set(TIMER_DEQUEUE_MS, String(Date.now()));
    const r = await this.b.store.putMessage(innerFromStored(m, topic, queueId, props), hintsOf(props), false);
    if (r.status !== PutMessageStatus.PUT_OK) {
      this.logger.warn('cannot deliver a timer message; will retry', { topic, status: r.status });
      return false;
    }
    return true;
  }

  async shutdown(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.persist();
  }
}
