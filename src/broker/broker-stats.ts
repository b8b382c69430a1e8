/**
 * Counters behind GET_BROKER_RUNTIME_INFO: messages put and got, today and yesterday morning, and per-second rates
 * over 10 s, 60 s and 600 s windows (Java: BrokerStatsManager/StoreStatsService, much reduced).
 */
export class BrokerStats {
  /** Messages stored by sends answered SUCCESS. */
  putTotal = 0;
  /** Bytes of those stored records. */
  putSizeTotal = 0;
  /** Sends the store refused. */
  putFailedTimes = 0;
  /** Messages handed out by pulls. */
  getTotal = 0;
  /** Pulls that found messages, and pulls that did not. */
  getFoundTimes = 0;
  getMissTimes = 0;
  putTotalTodayMorning = 0;
  putTotalYesterdayMorning = 0;
  getTotalTodayMorning = 0;
  getTotalYesterdayMorning = 0;
  private day = new Date().getDate();
  private readonly samples: Array<{ t: number } & Record<Counter, number>> = [];
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sample(): void {
    const now = Date.now();
    const d = new Date(now).getDate();
    if (d !== this.day) {
      this.day = d;
      this.putTotalYesterdayMorning = this.putTotalTodayMorning;
      this.getTotalYesterdayMorning = this.getTotalTodayMorning;
      this.putTotalTodayMorning = this.putTotal;
      this.getTotalTodayMorning = this.getTotal;
    }
    this.samples.push({ t: now, put: this.putTotal, get: this.getTotal, found: this.getFoundTimes, miss: this.getMissTimes, pulls: this.getFoundTimes + this.getMissTimes });
    while (this.samples.length > 601) this.samples.shift();
  }

  /** "tps10 tps60 tps600" as Java prints putTps, getFoundTps, getMissTps, getTotalTps and getTransferedTps. */
  tps(which: Counter): string {
    const last = this.samples[this.samples.length - 1];
    const rate = (secs: number) => {
      if (!last) return 0;
      const from = this.samples[Math.max(0, this.samples.length - 1 - secs)]!;
      const dt = (last.t - from.t) / 1000;
      return dt > 0 ? (last[which] - from[which]) / dt : 0;
    };
    return [10, 60, 600].map((s) => rate(s).toFixed(2)).join(' ');
  }
}

/** put: messages stored; get: messages handed out; found/miss/pulls: pull requests that found messages, did not, all. */
type Counter = 'put' | 'get' | 'found' | 'miss' | 'pulls';
