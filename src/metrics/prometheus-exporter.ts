import http from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '../common/logger';
import { ConfigError } from '../common/errors';
import type { Labels, MetricFamily } from './metric-families';

/**
 * The Prometheus endpoint (RocketMQ 5: metricsExporterType=PROM): `/metrics` and `/` serve the text format,
 * `/-/healthy` answers as the OpenTelemetry exporter Java uses does. One small HTTP server per process.
 */
export class PrometheusExporter {
  readonly registry = new Registry();
  private server: http.Server | undefined;

  constructor(
    private readonly logger: Logger,
    commonLabels: Labels,
    families: readonly MetricFamily[],
  ) {
    this.registry.setDefaultLabels(commonLabels);
    // prom-client's registry takes any object with name/help/type/get(); its own classes are not needed here.
    for (const f of families) this.registry.registerMetric(f as unknown as Parameters<Registry['registerMetric']>[0]);
    collectDefaultMetrics({ register: this.registry });
  }

  async start(host: string, port: number): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.logger.error('metrics server error', { error: err.message }));
    this.server = server;
    this.logger.info('Prometheus metrics served', { url: `http://${host}:${this.port}/metrics` });
  }

  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/-/healthy') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Exporter is Healthy.');
      return;
    }
    if (path !== '/metrics' && path !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    this.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': this.registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        this.logger.error('metrics collection failed', { error: (err as Error).message });
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics collection failed\n');
      },
    );
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** metricsLabel: "k:v,k:v" extra labels on every series (Java skips malformed items with a warning). */
export function parseMetricsLabel(text: string, logger: Logger): Labels {
  const out: Labels = {};
  for (const item of text.split(',')) {
    const t = item.trim();
    if (t === '') continue;
    const i = t.indexOf(':');
    if (i <= 0 || i === t.length - 1) {
      logger.warn('metricsLabel item ignored: not key:value', { item: t });
      continue;
    }
    out[t.slice(0, i).trim()] = t.slice(i + 1).trim();
  }
  return out;
}

export type MetricsExporterType = 'DISABLE' | 'OTLP_GRPC' | 'PROM' | 'LOG';

/** metricsExporterType as Java's setter takes it: the name, or its ordinal (0 DISABLE, 1 OTLP_GRPC, 2 PROM, 3 LOG). */
export function parseExporterType(value: string | number, source: string): MetricsExporterType {
  const names: MetricsExporterType[] = ['DISABLE', 'OTLP_GRPC', 'PROM', 'LOG'];
  const s = String(value).trim().toUpperCase();
  if (/^\d+$/.test(s) && Number(s) < names.length) return names[Number(s)]!;
  const found = names.find((n) => n === s);
  if (!found) throw new ConfigError(`${source}: metricsExporterType=${value} is not one of ${names.join(', ')} (or 0-3)`);
  return found;
}
