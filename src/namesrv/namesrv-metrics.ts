import type { Logger } from '../common/logger';
import { GaugeFamily, type Labels } from '../metrics/metric-families';
import { parseMetricsLabel, PrometheusExporter } from '../metrics/prometheus-exporter';
import { RpcLatency } from '../metrics/rpc-latency';
import type { NamesrvController } from './namesrv';

/**
 * The name server's Prometheus metrics. Java's name server exports none, so these are tsmq's: the broker's request
 * latency histogram (same name and labels), connections, and the size of the route table.
 */
export class NamesrvMetrics {
  readonly rpc = new RpcLatency(50000);
  private readonly exporter: PrometheusExporter;

  constructor(ns: NamesrvController, logger: Logger) {
    const common: Labels = { node_type: 'nameserver', node_id: `${ns.config.bindAddress}:${ns.config.listenPort}`, ...parseMetricsLabel(ns.metricsConfig.metricsLabel, logger) };
    this.exporter = new PrometheusExporter(logger, common, [
      this.rpc.family,
      new GaugeFamily('tsmq_connections', 'Open connections (brokers, clients, tools).', () => [{ labels: {}, value: ns.server.connections.size }]),
      new GaugeFamily('tsmq_namesrv_live_brokers', 'Broker addresses with a current registration.', () => [{ labels: {}, value: ns.routes.liveBrokerCount }]),
      new GaugeFamily('tsmq_namesrv_broker_names', 'Broker names (master and slaves count once).', () => [{ labels: {}, value: ns.routes.brokerAddrTable.size }]),
      new GaugeFamily('tsmq_namesrv_topics', 'Topics with routes.', () => [{ labels: {}, value: ns.routes.topicQueueTable.size }]),
    ]);
  }

  start(host: string, port: number): Promise<void> {
    return this.exporter.start(host, port);
  }

  get port(): number {
    return this.exporter.port;
  }

  stop(): Promise<void> {
    return this.exporter.stop();
  }
}
