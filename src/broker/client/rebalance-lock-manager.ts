import type { MessageQueue } from '../../remoting/bodies/message-queue';

/** Java: rocketmq.broker.rebalance.lockMaxLiveTime. */
export const REBALANCE_LOCK_MAX_LIVE_TIME = Number(process.env.TSMQ_REBALANCE_LOCK_MAX_LIVE_TIME ?? 60_000);

interface LockEntry {
  clientId: string;
  lastUpdateTimestamp: number;
}

const key = (mq: MessageQueue) => `${mq.topic}\u0001${mq.brokerName}\u0001${mq.queueId}`;

/**
 * Queue locks for orderly consumers (Java: RebalanceLockManager): group -> queue -> owner. A queue is granted to
 * a client when it is free, already its own, or its owner has not renewed for 60 s.
 */
export class RebalanceLockManager {
  private readonly table = new Map<string, Map<string, LockEntry>>();

  /** Locks what it can; returns the queues now held by `clientId`. */
  tryLockBatch(group: string, mqs: MessageQueue[], clientId: string, now = Date.now()): MessageQueue[] {
    let g = this.table.get(group);
    if (!g) this.table.set(group, (g = new Map()));
    const ok: MessageQueue[] = [];
    for (const mq of mqs) {
      const k = key(mq);
      const e = g.get(k);
      if (!e || e.clientId === clientId || now - e.lastUpdateTimestamp > REBALANCE_LOCK_MAX_LIVE_TIME) {
        g.set(k, { clientId, lastUpdateTimestamp: now });
        ok.push(mq);
      }
    }
    return ok;
  }

  unlockBatch(group: string, mqs: MessageQueue[], clientId: string): void {
    const g = this.table.get(group);
    if (!g) return;
    for (const mq of mqs) {
      const k = key(mq);
      if (g.get(k)?.clientId === clientId) g.delete(k);
    }
  }

  isLockedBy(group: string, mq: MessageQueue, clientId: string, now = Date.now()): boolean {
    const e = this.table.get(group)?.get(key(mq));
    return !!e && e.clientId === clientId && now - e.lastUpdateTimestamp <= REBALANCE_LOCK_MAX_LIVE_TIME;
  }

  /** True while any client holds a live lock in the group (5.x sends their retries to the DLQ at once). */
  hasLiveLocks(group: string, now = Date.now()): boolean {
    for (const e of this.table.get(group)?.values() ?? []) if (now - e.lastUpdateTimestamp <= REBALANCE_LOCK_MAX_LIVE_TIME) return true;
    return false;
  }
}
