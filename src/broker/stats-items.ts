/**
 * Per-key counters sampled over a minute, an hour and a day (Java: StatsItemSet/StatsItem of BrokerStatsManager),
 * read by VIEW_BROKER_STATS_DATA (mqadmin statsAll) and by the consume stats' consumeTps. A key's counter is one
 * object found by a Map lookup; sampling walks the items every 10 s, 10 min and hour.
 */

interface Snapshot {
  t: number;
  value: number;
  times: number;
}

/** Java keeps 7 minute snapshots 10 s apart, 7 hour snapshots 10 min apart and 25 day snapshots an hour apart. */
const WINDOWS = { minute: { every: 10_000, keep: 7 }, hour: { every: 600_000, keep: 7 }, day: { every: 3_600_000, keep: 25 } } as const;
type Window = keyof typeof WINDOWS;

export class StatsItem {
  value = 0;
  times = 0;
  readonly snapshots: Record<Window, Snapshot[]> = { minute: [], hour: [], day: [] };

  add(value: number, times: number): void {
    this.value += value;
    this.times += times;
  }

  sample(w: Window, now: number): void {
    const list = this.snapshots[w];
    list.push({ t: now, value: this.value, times: this.times });
    if (list.length > WINDOWS[w].keep) list.shift();
  }

  /** Java StatsItem#computeStatsData over one window: sum, per-second rate and average per add. */
  stats(w: Window): { avgpt: number; sum: number; tps: number } {
    const list = this.snapshots[w];
    if (list.length < 2) return { avgpt: 0, sum: 0, tps: 0 };
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const sum = last.value - first.value;
    const dt = last.t - first.t;
    const times = last.times - first.times;
    return { avgpt: times > 0 ? sum / times : 0, sum, tps: dt > 0 ? (sum * 1000) / dt : 0 };
  }
}

export class StatsItemSet {
  readonly items = new Map<string, StatsItem>();

  constructor(readonly name: string) {}

  add(key: string, value: number, times = 1): void {
    let item = this.items.get(key);
    if (!item) this.items.set(key, (item = new StatsItem()));
    item.add(value, times);
  }

  get(key: string): StatsItem | undefined {
    return this.items.get(key);
  }
}

/** The stats names mqadmin and the dashboard ask for (Java BrokerStatsManager constants). */
export const StatsName = {
  TOPIC_PUT_NUMS: 'TOPIC_PUT_NUMS',
  TOPIC_PUT_SIZE: 'TOPIC_PUT_SIZE',
  GROUP_GET_NUMS: 'GROUP_GET_NUMS',
  GROUP_GET_SIZE: 'GROUP_GET_SIZE',
} as const;

export class BrokerStatsItems {
  private readonly topicPutNums = new StatsItemSet(StatsName.TOPIC_PUT_NUMS);
  private readonly topicPutSize = new StatsItemSet(StatsName.TOPIC_PUT_SIZE);
  private readonly groupGetNums = new StatsItemSet(StatsName.GROUP_GET_NUMS);
  private readonly groupGetSize = new StatsItemSet(StatsName.GROUP_GET_SIZE);
  readonly sets = new Map<string, StatsItemSet>([this.topicPutNums, this.topicPutSize, this.groupGetNums, this.groupGetSize].map((s) => [s.name, s]));
  private timers: NodeJS.Timeout[] = [];

  /** A send stored `msgs` messages of `bytes` in `topic`. */
  recordPut(topic: string, msgs: number, bytes: number): void {
    this.topicPutNums.add(topic, msgs);
    this.topicPutSize.add(topic, bytes);
  }

  /** A pull handed `msgs` messages of `bytes` to `group` (key "topic@group", as Java names it). */
  recordGet(topicAtGroup: string, msgs: number, bytes: number): void {
    this.groupGetNums.add(topicAtGroup, msgs);
    this.groupGetSize.add(topicAtGroup, bytes);
  }

  start(): void {
    for (const w of Object.keys(WINDOWS) as Window[]) {
      this.sample(w);
      const t = setInterval(() => this.sample(w), WINDOWS[w].every);
      t.unref();
      this.timers.push(t);
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private sample(w: Window): void {
    const now = Date.now();
    for (const s of this.sets.values()) for (const item of s.items.values()) item.sample(w, now);
  }

  /** VIEW_BROKER_STATS_DATA's body, or undefined when the name or key has no item. */
  statsData(name: string, key: string): { statsDay: object; statsHour: object; statsMinute: object } | undefined {
    const item = this.sets.get(name)?.get(key);
    if (!item) return undefined;
    return { statsDay: item.stats('day'), statsHour: item.stats('hour'), statsMinute: item.stats('minute') };
  }

  /** Per-second rate of a key over the last minute (consumeTps of GET_CONSUME_STATS). */
  minuteTps(name: keyof typeof StatsName, key: string): number {
    return this.sets.get(name)?.get(key)?.stats('minute').tps ?? 0;
  }
}
