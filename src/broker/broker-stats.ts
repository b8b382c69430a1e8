import { javaDoubleString } from '../common/typed-config';

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
  /** Longest put (send to store answer, flush and replica waits included) and longest store read, in ms. */
  putMessageEntireTimeMax = 0;
  getMessageEntireTimeMax = 0;
  /** Puts per latency band over the current print interval (Java's putMessageDistributeTime). */
  private distribution = new Array<number>(PUT_TIME_BANDS.length).fill(0);
  /** Puts per fine latency bucket: the current interval's, and the last whole one's (the percentiles read it). */
  private buckets = new Array<number>(FINE_BUCKET_BOUNDS.length).fill(0);
  private lastBuckets = new Array<number>(FINE_BUCKET_BOUNDS.length).fill(0);
  private lastPrint = Date.now();
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

  recordPutTime(ms: number): void {
    let band = 0;
    while (band < PUT_TIME_BAND_LIMITS.length && ms >= PUT_TIME_BAND_LIMITS[band]!) band++;
    this.distribution[band]!++;
    let i = 0;
    while (FINE_BUCKET_BOUNDS[i]! < ms) i++;
    this.buckets[i]!++;
    if (ms > this.putMessageEntireTimeMax) this.putMessageEntireTimeMax = ms;
  }

  recordGetTime(ms: number): void {
    if (ms > this.getMessageEntireTimeMax) this.getMessageEntireTimeMax = ms;
  }

  /** "[<=0ms]:n [0~10ms]:n ..." over the current interval (Java's putMessageDistributeTime). */
  putDistribution(): string {
    return PUT_TIME_BANDS.map((name, i) => `${name}:${this.distribution[i]} `).join('');
  }

  /**
   * The px latency of the last whole interval's puts, interpolated inside its bucket as Java's
   * StoreStatsService#findPutMessageEntireTimePX does.
   */
  putLatencyPx(px: number): number {
    const counts = this.lastBuckets;
    const total = counts.reduce((a, b) => a + b, 0);
    const index = Math.floor(total * px);
    let passed = 0;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i]!;
      if (index <= passed + count) {
        const rel = index - passed;
        const lower = i === 0 ? 0 : FINE_BUCKET_BOUNDS[i - 1]!;
        return count === 0 ? lower : lower + ((FINE_BUCKET_BOUNDS[i]! - lower) * rel) / count;
      }
      passed += count;
    }
    return 0;
  }

  private sample(): void {
    const now = Date.now();
    if (now > this.lastPrint + PRINT_INTERVAL_MS) {
      this.lastPrint = now;
      this.distribution.fill(0);
      this.lastBuckets = this.buckets;
      this.buckets = new Array<number>(FINE_BUCKET_BOUNDS.length).fill(0);
    }
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

  /**
   * "tps10 tps60 tps600" as Java prints putTps, getFoundTps, getMissTps, getTotalTps and getTransferredTps: a window
   * is left empty until a sample older than it exists, each rate a Java double.
   */
  tps(which: Counter): string {
    const n = this.samples.length;
    const last = this.samples[n - 1];
    const rate = (secs: number) => {
      if (!last || n <= secs) return '';
      const from = this.samples[n - 1 - secs]!;
      return javaDoubleString(last.t > from.t ? ((last[which] - from[which]) * 1000) / (last.t - from.t) : 0);
    };
    return [10, 60, 600].map(rate).join(' ');
  }
}

/** Java prints the latency distribution and rotates the percentile buckets once a minute (printTPSInterval). */
const PRINT_INTERVAL_MS = 60_000;
const PUT_TIME_BANDS = ['[<=0ms]', '[0~10ms]', '[10~50ms]', '[50~100ms]', '[100~200ms]', '[200~500ms]', '[500ms~1s]', '[1~2s]', '[2~3s]', '[3~4s]', '[4~5s]', '[5~10s]', '[10s~]'];
/** A put of ms lands in the first band whose limit exceeds ms; band 0 is ms <= 0. */
const PUT_TIME_BAND_LIMITS = [1, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000];
/** Upper bounds of the percentile buckets: 1 ms steps to 20, 2 to 50, 5 to 100, 10 to 200, 50 to 500, 100 to 1 s, 1 s to 10 s. */
const FINE_BUCKET_BOUNDS: number[] = (() => {
  const out: number[] = [];
  let at = 0;
  for (const [step, times] of [[1, 20], [2, 15], [5, 10], [10, 10], [50, 6], [100, 5], [1000, 9]] as const) {
    for (let i = 0; i < times; i++) out.push((at += step));
  }
  out.push(Number.MAX_SAFE_INTEGER);
  return out;
})();

/** put: messages stored; get: messages handed out; found/miss/pulls: pull requests that found messages, did not, all. */
type Counter = 'put' | 'get' | 'found' | 'miss' | 'pulls';
