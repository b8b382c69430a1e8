import zlib from 'node:zlib';
import type { Logger } from '../common/logger';
import { PERM_READ, PERM_WRITE, type TopicConfig } from '../remoting/bodies/route-data';
import { RemotingClient } from '../remoting/remoting-client';
import { RequestCode } from '../remoting/request-code';
import { ResponseCode } from '../remoting/response-code';
import { createRequest } from '../remoting/remoting-command';
import type { TopicConfigManager } from './topic-config-manager';

export interface RegistrarIdentity {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  brokerAddr: string;
  haServerAddr: string;
}

/**
 * Registers the broker with every name server (Java: BrokerOuterAPI#registerBrokerAll): at start, every
 * registerNameServerPeriod (10 to 60 s), and soon after any topic change; unregisters at shutdown.
 */
export class NamesrvRegistrar {
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private readonly client: RemotingClient;
  /** Registration timeout, per name server. */
  timeoutMs = 6000;
  /** brokerPermission now; a broker that is not both readable and writable registers every topic with it. */
  brokerPermission: () => number = () => PERM_READ | PERM_WRITE;

  constructor(
    private readonly namesrvAddrs: () => string[],
    private readonly identity: RegistrarIdentity,
    private readonly topics: TopicConfigManager,
    private readonly logger: Logger,
  ) {
    this.client = new RemotingClient(logger, { connectTimeoutMs: 3000 });
  }

  start(periodMs: number): void {
    const period = Math.min(60000, Math.max(10000, periodMs));
    void this.registerAll(true);
    this.timer = setInterval(() => void this.registerAll(true), period);
    this.timer.unref();
  }

  /** Registers again shortly; several topic changes in a burst make one registration. */
  registerSoon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.registerAll();
    }, 20);
    this.pending.unref();
  }

  private body(): Buffer {
    const wrapper = this.topics.serializeWrapper();
    const perm = this.brokerPermission();
    // Java (BrokerController#registerBrokerAll): a read-only or write-only broker tells the name servers so through
    // the perm of every topic, and clients stop routing sends (or pulls) to it.
    if ((perm & PERM_READ) === 0 || (perm & PERM_WRITE) === 0) {
      const table = wrapper.topicConfigTable as Record<string, TopicConfig>;
      wrapper.topicConfigTable = Object.fromEntries(Object.entries(table).map(([name, tc]) => [name, { ...tc, perm }]));
    }
    return Buffer.from(JSON.stringify({ filterServerList: [], topicConfigSerializeWrapper: wrapper }), 'utf8');
  }

  /**
   * Registers with every name server. The start-up and periodic rounds (`checkOrderConfig`) also take the name
   * server's ORDER_TOPIC_CONFIG table from the first answer that has one, and mark those topics order=true (Java:
   * BrokerController#handleRegisterBrokerResult); registrations after a topic change do not.
   */
  async registerAll(checkOrderConfig = false): Promise<void> {
    const addrs = this.namesrvAddrs();
    if (addrs.length === 0) return;
    let orderTableTaken = false;
    const body = this.body();
    const crc = zlib.crc32(body) & 0x7fffffff;
    await Promise.all(
      addrs.map(async (addr) => {
        const id = this.identity;
        const req = createRequest(
          RequestCode.REGISTER_BROKER,
          {
            brokerName: id.brokerName,
            brokerAddr: id.brokerAddr,
            clusterName: id.clusterName,
            haServerAddr: id.haServerAddr,
            brokerId: String(id.brokerId),
            compressed: 'false',
            bodyCrc32: String(crc),
          },
          body,
        );
        try {
          const res = await this.client.invoke(addr, req, this.timeoutMs);
          if (res.code !== ResponseCode.SUCCESS) {
            this.logger.warn('name server refused the registration', { namesrv: addr, code: res.code, remark: res.remark });
            return;
          }
          this.logger.debug('registered with name server', { namesrv: addr, topics: this.topics.table.size });
          if (checkOrderConfig && !orderTableTaken && res.body && res.body.length > 0) {
            orderTableTaken = true;
            this.topics.updateOrderTopicConfig(orderTopicsOf(res.body, addr, this.logger));
          }
        } catch (err) {
          this.logger.warn('cannot register with name server; will retry', { namesrv: addr, error: (err as Error).message });
        }
      }),
    );
  }

  async unregisterAll(): Promise<void> {
    const id = this.identity;
    await Promise.all(
      this.namesrvAddrs().map(async (addr) => {
        const req = createRequest(RequestCode.UNREGISTER_BROKER, {
          brokerName: id.brokerName,
          brokerAddr: id.brokerAddr,
          clusterName: id.clusterName,
          brokerId: String(id.brokerId),
        });
        try {
          await this.client.invoke(addr, req, 3000);
        } catch (err) {
          this.logger.warn('cannot unregister from name server', { namesrv: addr, error: (err as Error).message });
        }
      }),
    );
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.client.close();
  }
}

/** The topics of a REGISTER_BROKER answer's KVTable body ({"table":{"<topic>":"<brokerName>:<queues>;..."}}). */
function orderTopicsOf(body: Buffer, namesrv: string, logger: Logger): string[] {
  try {
    const table = (JSON.parse(body.toString('utf8')) as { table?: Record<string, unknown> }).table;
    return table && typeof table === 'object' ? Object.keys(table) : [];
  } catch (err) {
    logger.warn('name server answered the registration with a body that is not a KV table; order topics not taken', { namesrv, error: (err as Error).message });
    return [];
  }
}
