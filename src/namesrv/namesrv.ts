import { writeFileAtomic } from '../common/atomic-file';
import { formatProperties } from '../common/java-properties';
import { getLogger, type Logger } from '../common/logger';
import { applyProperties } from '../common/typed-config';
import { ProcessorTable } from '../remoting/processor-table';
import { RemotingServer } from '../remoting/remoting-server';
import { RequestCode } from '../remoting/request-code';
import { KVConfigManager } from './kv-config-manager';
import { defaultNamesrvMetricsConfig, type NamesrvConfig, type NamesrvMetricsConfig } from './namesrv-config';
import type { NamesrvContext } from './namesrv-context';
import { ClientRequestProcessor } from './processors/client';
import { DefaultRequestProcessor } from './processors/default';
import { RouteInfoManager } from './route-info-manager';
import { NamesrvMetrics } from './namesrv-metrics';
import { parseExporterType } from '../metrics/prometheus-exporter';

/**
 * The name server (Java: NamesrvController): routes, KV config, one remoting server, and the scan that drops brokers
 * that stopped registering.
 */
export class NamesrvController implements NamesrvContext {
  readonly logger: Logger;
  readonly routes: RouteInfoManager;
  readonly kv: KVConfigManager;
  readonly server: RemotingServer;
  private scanTimer: NodeJS.Timeout | undefined;
  readonly metrics: NamesrvMetrics | undefined;

  constructor(
    readonly config: NamesrvConfig,
    readonly metricsConfig: NamesrvMetricsConfig = defaultNamesrvMetricsConfig(),
  ) {
    this.logger = getLogger('namesrv');
    this.routes = new RouteInfoManager(this.logger);
    this.kv = new KVConfigManager(config.kvConfigPath, this.logger);
    const exporterType = parseExporterType(metricsConfig.metricsExporterType, 'the name server config');
    if (exporterType === 'PROM') this.metrics = new NamesrvMetrics(this, getLogger('metrics'));
    else if (exporterType !== 'DISABLE') this.logger.warn('metricsExporterType not served by tsmq: only PROM is; metrics are off', { metricsExporterType: exporterType });
    const table = new ProcessorTable();
    table.register([RequestCode.GET_ROUTEINFO_BY_TOPIC], new ClientRequestProcessor(this));
    table.setDefault(new DefaultRequestProcessor(this));
    this.server = new RemotingServer(
      {
        name: 'namesrv',
        port: config.listenPort,
        host: config.bindAddress,
        connection: { idleTimeoutMs: config.serverChannelMaxIdleTimeSeconds * 1000 },
        observer: this.metrics?.rpc,
      },
      table,
      this.logger,
    );
    this.server.onConnection((conn) => conn.onClose((c) => this.routes.onConnectionClosed(c)));
  }

  async start(): Promise<void> {
    this.kv.load();
    await this.server.start();
    await this.metrics?.start(this.metricsConfig.metricsPromExporterHost, this.metricsConfig.metricsPromExporterPort);
    const interval = Math.max(1000, this.config.scanNotActiveBrokerInterval);
    this.scanTimer = setInterval(() => this.routes.scanNotActiveBroker(), interval);
    this.scanTimer.unref();
    this.logger.info('name server started', { port: this.server.port, bind: this.config.bindAddress, kvConfigPath: this.config.kvConfigPath });
  }

  get port(): number {
    return this.server.port;
  }

  configText(): string {
    return formatProperties(Object.entries(this.config));
  }

  async updateConfig(props: Map<string, string>, source: string): Promise<void> {
    const unknown = applyProperties(this.config, props, source);
    if (unknown.length > 0) this.logger.warn('unknown name server config keys ignored', { keys: unknown, source });
    this.logger.info('name server config updated', { keys: [...props.keys()], source });
    try {
      await writeFileAtomic(this.config.configStorePath, this.configText());
    } catch (err) {
      this.logger.error('cannot persist the name server config', { file: this.config.configStorePath, error: (err as Error).message });
    }
  }

  async shutdown(): Promise<void> {
    if (this.scanTimer) clearInterval(this.scanTimer);
    await this.server.close();
    await this.metrics?.stop();
    await this.kv.flush();
    this.logger.info('name server stopped');
  }
}
