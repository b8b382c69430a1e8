import http from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configureLogging, getLogger } from '../common/logger';
import { CounterFamily, GaugeFamily, HistogramFamily } from './metric-families';
import { parseExporterType, parseMetricsLabel, PrometheusExporter } from './prometheus-exporter';

configureLogging({ level: process.env.TSMQ_LOG_LEVEL ?? 'error' });
const logger = getLogger('test');

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

test('histogram buckets are cumulative, +Inf equals the count, sum adds up', async () => {
  const h = new HistogramFamily('x_latency', 'help', [1, 10], 100);
  const c = h.cell('k', () => ({ code: 'a' }));
  for (const v of [0.5, 1, 2, 10, 11, 500]) c.observe(v);
  const snap = await h.get();
  const by = (metric: string, le?: string) => snap.values.find((v) => v.metricName === metric && (le === undefined || v.labels.le === le))!.value;
  assert.is(by('x_latency_bucket', '1'), 2); // 0.5 and 1 (le is inclusive)
  assert.is(by('x_latency_bucket', '10'), 4);
  assert.is(by('x_latency_bucket', '+Inf'), 6);
  assert.is(by('x_latency_count'), 6);
  assert.is(by('x_latency_sum'), 524.5);
});

test('a family folds series beyond its cap into one overflow series', async () => {
  const c = new CounterFamily('y_total', 'help', 2);
  for (const t of ['a', 'b', 'c', 'd']) c.cell(t, () => ({ topic: t })).value += 1;
  const snap = await c.get();
  assert.is(snap.values.length, 3);
  const overflow = snap.values.find((v) => v.labels.otel_metric_overflow === 'true');
  assert.is(overflow?.value, 2);
});

test('the exporter serves /metrics and / in the text format, /-/healthy, and 404 elsewhere', async () => {
  const c = new CounterFamily('rocketmq_messages_in_total', 'in', 10);
  c.cell('t', () => ({ topic: 'T' })).value += 7;
  const g = new GaugeFamily('rocketmq_topic_number', 'topics', () => [{ labels: {}, value: 3 }]);
  const ex = new PrometheusExporter(logger, { cluster: 'C', node_type: 'broker' }, [c, g]);
  await ex.start('127.0.0.1', 0);
  try {
    const r = await get(ex.port, '/metrics');
    assert.is(r.status, 200);
    assert.ok(r.type.startsWith('text/plain; version=0.0.4'), r.type);
    assert.match(r.body, /# TYPE rocketmq_messages_in_total counter/);
    assert.match(r.body, /rocketmq_messages_in_total\{topic="T",cluster="C",node_type="broker"\} 7/);
    assert.match(r.body, /rocketmq_topic_number\{cluster="C",node_type="broker"\} 3/);
    assert.match(r.body, /process_resident_memory_bytes/);
    const root = await get(ex.port, '/');
    assert.is(root.status, 200);
    assert.match(root.body, /rocketmq_messages_in_total\{topic="T",cluster="C",node_type="broker"\} 7/);
    assert.is((await get(ex.port, '/-/healthy')).body, 'Exporter is Healthy.');
    assert.is((await get(ex.port, '/nope')).status, 404);
  } finally {
    await ex.stop();
  }
});

test('metricsExporterType takes names and ordinals; metricsLabel skips malformed items', () => {
  assert.is(parseExporterType('PROM', 'f'), 'PROM');
  assert.is(parseExporterType('prom', 'f'), 'PROM');
  assert.is(parseExporterType('2', 'f'), 'PROM');
  assert.is(parseExporterType(0, 'f'), 'DISABLE');
  assert.throws(() => parseExporterType('PROMETHEUS', 'broker.conf'), /broker.conf: metricsExporterType=PROMETHEUS/);
  assert.equal(parseMetricsLabel('a:1, b:2,bad,:x,c:', logger), { a: '1', b: '2' });
});

test.run();
