import type { Logger } from '../../common/logger';
import type { SubscriptionData } from '../../remoting/bodies/heartbeat-data';
import type { Connection } from '../../remoting/connection';
import type { RemotingCommand } from '../../remoting/remoting-command';
import { tagMatches } from '../filter/tag-filter';

/** A pull parked until a message arrives or its time is up (Java: PullRequest). */
export interface PullRequest {
  cmd: RemotingCommand;
  conn: Connection;
  topic: string;
  queueId: number;
  pullFromThisOffset: number;
  subscription: SubscriptionData | undefined;
  deadline: number;
  /** performance.now() when the pull first arrived (rpc latency of the answer). */
  receivedAt: number;
}

/**
 * Long polling (Java: PullRequestHoldService): pulls that found nothing wait per topic@queue. A dispatched message
 * that lands past a parked offset and matches its tags wakes it; a scan every second wakes those whose queue grew
 * and answers those whose time is up. A woken pull runs again without the right to park, on its own connection.
 */
export class PullRequestHoldService {
  private readonly table = new Map<string, PullRequest[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxOffsetOf: (topic: string, queueId: number) => number,
    private readonly rerun: (req: PullRequest) => void,
    private readonly logger: Logger,
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.checkHoldRequest(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get size(): number {
    let n = 0;
    for (const l of this.table.values()) n += l.length;
    return n;
  }

  suspendPullRequest(req: PullRequest): void {
    const key = `${req.topic}@${req.queueId}`;
    let list = this.table.get(key);
    if (!list) this.table.set(key, (list = []));
    list.push(req);
  }

  private checkHoldRequest(): void {
    for (const list of this.table.values()) {
      const first = list[0];
      if (first) this.notifyMessageArriving(first.topic, first.queueId, this.maxOffsetOf(first.topic, first.queueId), undefined);
    }
  }

  /** Java: notifyMessageArriving. `tagsCode` is that of the message that arrived (undefined on a scan). */
  notifyMessageArriving(topic: string, queueId: number, maxOffset: number, tagsCode: number | undefined): void {
    const key = `${topic}@${queueId}`;
    const list = this.table.get(key);
    if (!list || list.length === 0) return;
    const now = Date.now();
    const keep: PullRequest[] = [];
    const wake: PullRequest[] = [];
    for (const req of list) {
      if (!req.conn.isOpen) continue;
      let newest = maxOffset;
      if (newest <= req.pullFromThisOffset) newest = this.maxOffsetOf(topic, queueId);
      if (newest > req.pullFromThisOffset && (tagsCode === undefined || tagMatches(req.subscription, tagsCode))) wake.push(req);
      else if (now >= req.deadline) wake.push(req);
      else keep.push(req);
    }
    if (keep.length === 0) this.table.delete(key);
    else this.table.set(key, keep);
    for (const req of wake) {
      try {
        this.rerun(req);
      } catch (err) {
        this.logger.error('re-running a held pull failed', { topic, queueId, error: (err as Error).message });
      }
    }
  }

  /** Drops the requests of a closed connection. */
  onConnectionClosed(conn: Connection): void {
    for (const [key, list] of this.table) {
      const keep = list.filter((r) => r.conn !== conn);
      if (keep.length === 0) this.table.delete(key);
      else if (keep.length !== list.length) this.table.set(key, keep);
    }
  }
}
