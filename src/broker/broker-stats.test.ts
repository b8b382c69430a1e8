import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BrokerStats } from './broker-stats';

/** Samples as the once-a-second timer takes them, at chosen times. */
function sampleAt(stats: BrokerStats, t: number): void {
  const realNow = Date.now;
  Date.now = () => t;
  try {
    (stats as unknown as { sample(): void }).sample();
  } finally {
    Date.now = realNow;
  }
}

test('rates: a window stays empty until a sample older than it exists; values print as Java doubles', () => {
  const stats = new BrokerStats();
  const t0 = 1_700_000_000_000;
  sampleAt(stats, t0);
  assert.is(stats.tps('put'), '  ', 'one sample: no window yet');
  for (let i = 1; i <= 10; i++) {
    stats.putTotal += 5;
    sampleAt(stats, t0 + i * 1000);
  }
  assert.is(stats.tps('put'), '5.0  ', '10 s window only');
  for (let i = 11; i <= 70; i++) {
    stats.putTotal += i % 2 === 0 ? 3 : 0;
    sampleAt(stats, t0 + i * 1000);
  }
  const [ten, sixty, sixHundred] = stats.tps('put').split(' ');
  assert.is(ten, '1.5');
  assert.is(sixty, '1.5', '90 puts from 10 s to 70 s');
  assert.is(sixHundred, '');
});

test('put latency bands, maximum and percentiles as Java StoreStatsService counts them', () => {
  const stats = new BrokerStats();
  for (const ms of [0, 0, 3, 9, 10, 49, 120, 1500, 12000]) stats.recordPutTime(ms);
  assert.is(stats.putMessageEntireTimeMax, 12000);
  assert.is(
    stats.putDistribution(),
    '[<=0ms]:2 [0~10ms]:2 [10~50ms]:2 [50~100ms]:0 [100~200ms]:1 [200~500ms]:0 [500ms~1s]:0 [1~2s]:1 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:1 ',
  );
  assert.is(stats.putLatencyPx(0.99), 0, 'percentiles read the last whole interval, none yet');
  stats.recordGetTime(7);
  stats.recordGetTime(3);
  assert.is(stats.getMessageEntireTimeMax, 7);
});

test('percentiles: interpolated inside the bucket of the last interval', () => {
  const stats = new BrokerStats();
  for (let i = 0; i < 100; i++) stats.recordPutTime(i < 98 ? 1 : 30);
  // rotate: the once-a-minute print moves this interval's buckets to "last"
  sampleAt(stats, Date.now() + 61_000);
  assert.is(stats.putDistribution().startsWith('[<=0ms]:0 [0~10ms]:0 '), true, 'bands start again');
  // 98 puts of 1 ms fill the first bucket (<= 1 ms); index 99 lands in the (28, 30] bucket with 2 puts
  assert.is(stats.putLatencyPx(0.99), 28 + ((30 - 28) * 1) / 2);
  assert.is(stats.putLatencyPx(0.5), 1 * 50 / 98);
});

test.run();
