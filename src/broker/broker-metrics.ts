import fs from 'node:fs';
import type { Logger } from '../common/logger';
import { CounterFamily, GaugeFamily, HistogramFamily, type CounterCell, type HistogramCell, type Labels, type MetricFamily } from '../metrics/metric-families';
import { parseMetricsLabel, PrometheusExporter } from '../metrics/prometheus-exporter';
import { RpcLatency } from '../metrics/rpc-latency';
import { PERM_READ, PERM_WRITE } from '../remoting/bodies/route-data';
import type { Connection } from '../remoting/connection';
import { languageNameOf } from '../remoting/language-code';
import { versionDesc } from '../remoting/mq-version';
import type { RemotingCommand } from '../remoting/remoting-command';
import type { RequestObserver } from '../remoting/remoting-server';
import { MessageConst } from '../store/message-properties';
import type { BrokerContext } from './broker-context';
import { TIMER_DELAY_MS, TIMER_DELAY_SEC, TIMER_DELIVER_MS } from './schedule/timer-message-service';
import { isRetryTopic, isSystemTopic } from './topic-validator';

/**
 * The broker's Prometheus metrics, with the names, labels and buckets of RocketMQ 5's built-in exporter
 * (BrokerMetricsManager, RemotingMetricsManager, DefaultStoreMetricsManager; docs/metrics.md lists them).
 * Counters and histograms are counted as requests are served; gauges are computed when scraped, as Java's observable
 * gauges are.
 */

/** Java's TopicMessageType metric values, in the order BrokerMetricsManager#getMessageType tests them. */
export const enum MessageType {
  NORMAL = 0,
  FIFO = 1,
  DELAY = 2,
  TRANSACTION = 3,
}
const MESSAGE_TYPE_NAMES = ['normal', 'fifo', 'delay', 'transaction'];

export function messageTypeOf(props: Map<string, string>): MessageType {
  if (props.get(MessageConst.TRAN_MSG) === 'true') return MessageType.TRANSACTION;
  if (props.has('__SHARDINGKEY')) return MessageType.FIFO;
  if (
    props.has('__STARTDELIVERTIME') ||
    props.has(MessageConst.DELAY) ||
    props.has(TIMER_DELIVER_MS) ||
    props.has(TIMER_DELAY_SEC) ||
    props.has(TIMER_DELAY_MS)
  ) {
    return MessageType.DELAY;
  }
  return MessageType.NORMAL;
}

const MESSAGE_SIZE_BUCKETS = [1024, 4096, 524288, 1048576, 2097152, 4194304];

interface PutCells {
  messages: CounterCell;
  bytes: CounterCell;
  size: HistogramCell;
}

interface GetCells {
  messages: CounterCell;
  bytes: CounterCell;
}

interface Series {
  labels: Labels;
  value: number;
}

export class BrokerMetrics implements RequestObserver {
  private readonly messagesIn: CounterFamily;
  private readonly throughputIn: CounterFamily;
  private readonly messageSize: HistogramFamily;
  private readonly messagesOut: CounterFamily;
  private readonly throughputOut: CounterFamily;
  private readonly sendToDlq: CounterFamily;
  private readonly commitMessages: CounterFamily;
  private readonly rollbackMessages: CounterFamily;
  private readonly rpc: RpcLatency;
  private readonly exporter: PrometheusExporter;
  /** topic -> cells by MessageType */
  private readonly putCells = new Map<string, Array<PutCells | undefined>>();
  /** topic -> group -> cells */
  private readonly getCells = new Map<string, Map<string, GetCells>>();

  constructor(
    private readonly b: BrokerContext,
    private readonly connectionCount: () => number,
    logger: Logger,
  ) {
    const limit = b.config.metricsOtelCardinalityLimit;
    this.messagesIn = new CounterFamily('rocketmq_messages_in_total', 'Messages put, per topic (retry and DLQ topics left out).', limit);
    this.throughputIn = new CounterFamily('rocketmq_throughput_in_total', 'Bytes of the stored records put, per topic.', limit);
    this.messageSize = new HistogramFamily('rocketmq_message_size', 'Size of stored records (a batch records its average once).', MESSAGE_SIZE_BUCKETS, limit);
    this.messagesOut = new CounterFamily('rocketmq_messages_out_total', 'Messages handed out by pulls, per topic and consumer group.', limit);
    this.throughputOut = new CounterFamily('rocketmq_throughput_out_total', 'Bytes of the stored records handed out by pulls.', limit);
    this.sendToDlq = new CounterFamily('rocketmq_send_to_dlq_messages_total', 'Messages moved to a dead letter queue.', limit);
    this.commitMessages = new CounterFamily('rocketmq_commit_messages_total', 'Transactional messages committed.', limit);
    this.rollbackMessages = new CounterFamily('rocketmq_rollback_messages_total', 'Transactional messages rolled back.', limit);
    this.rpc = new RpcLatency(limit);
    const families: MetricFamily[] = [
      this.messagesIn,
      this.throughputIn,
      this.messageSize,
      this.messagesOut,
      this.throughputOut,
      this.sendToDlq,
      this.commitMessages,
      this.rollbackMessages,
      this.rpc.family,
      new GaugeFamily('rocketmq_broker_permission', 'brokerPermission (4 read, 2 write, 1 inherit).', () => [{ labels: {}, value: b.config.brokerPermission }]),
      new GaugeFamily('rocketmq_topic_number', 'Topics in the topic config table.', () => [{ labels: {}, value: b.topics.table.size }]),
      new GaugeFamily('rocketmq_consumer_group_number', 'Subscription groups.', () => [{ labels: {}, value: b.groups.table.size }]),
      new GaugeFamily('rocketmq_producer_connections', 'Producer connections by client language and version.', () => this.producerConnections()),
      new GaugeFamily('rocketmq_consumer_connections', 'Consumer connections by group, language, version and consume mode.', () => this.consumerConnections()),
      ...this.lagFamilies(),
      new GaugeFamily('rocketmq_storage_size_bytes', 'Used bytes of the file system that holds storePathRootDir.', () => this.storageSize()),
      new GaugeFamily('rocketmq_storage_flush_behind_bytes', 'CommitLog bytes written but not yet flushed.', () => [{ labels: STORE_LABELS, value: b.store.flushBehindBytes }]),
      new GaugeFamily('rocketmq_storage_dispatch_behind_bytes', 'CommitLog bytes not yet dispatched to the ConsumeQueues.', () => [{ labels: STORE_LABELS, value: b.store.dispatchBehindBytes }]),
      new GaugeFamily('rocketmq_storage_message_reserve_time_milliseconds', 'Age of the oldest message in the CommitLog.', () => this.reserveTime()),
      new GaugeFamily('tsmq_connections', 'Open client connections (tsmq).', () => [{ labels: {}, value: this.connectionCount() }]),
    ];
    const common: Labels = {
      otel_scope_name: 'broker-meter',
      cluster: b.config.brokerClusterName,
      node_type: 'broker',
      node_id: b.config.brokerName,
      ...(b.config.metricsInDelta ? { aggregation: 'delta' } : {}),
      ...parseMetricsLabel(b.config.metricsLabel, logger),
    };
    this.exporter = new PrometheusExporter(logger, common, families);
  }

  async start(): Promise<void> {
    const host = this.b.config.metricsPromExporterHost || this.b.config.brokerIP1;
    await this.exporter.start(host, this.b.config.metricsPromExporterPort);
  }

  get port(): number {
    return this.exporter.port;
  }

  stop(): Promise<void> {
    return this.exporter.stop();
  }

  /** A put the send processor answered as sent (PUT_OK, or a flush/slave timeout): Java leaves retry and DLQ topics out. */
  recordPut(topic: string, type: MessageType, msgNum: number, wroteBytes: number): void {
    if (isRetryTopic(topic) || topic.startsWith('%DLQ%')) return;
    let byType = this.putCells.get(topic);
    if (!byType) this.putCells.set(topic, (byType = []));
    let c = byType[type];
    if (!c) {
      const key = `${topic}\u0001${type}`;
      const labels = () => ({ topic, message_type: MESSAGE_TYPE_NAMES[type]!, is_system: String(isSystemTopic(topic)) });
      c = byType[type] = {
        messages: this.messagesIn.cell(key, labels),
        bytes: this.throughputIn.cell(key, labels),
        size: this.messageSize.cell(key, labels),
      };
    }
    c.messages.value += msgNum;
    c.bytes.value += wroteBytes;
    c.size.observe(msgNum > 0 ? wroteBytes / msgNum : wroteBytes);
  }

  /** Messages a pull handed out (response SUCCESS). */
  recordGet(topic: string, group: string, msgNum: number, bytes: number): void {
    if (isRetryTopic(topic) || topic.startsWith('%DLQ%')) return;
    let byGroup = this.getCells.get(topic);
    if (!byGroup) this.getCells.set(topic, (byGroup = new Map()));
    let c = byGroup.get(group);
    if (!c) {
      const key = `${topic}\u0001${group}`;
      const labels = () => ({ topic, consumer_group: group, is_system: String(isSystemTopic(topic)) });
      c = { messages: this.messagesOut.cell(key, labels), bytes: this.throughputOut.cell(key, labels) };
      byGroup.set(group, c);
    }
    c.messages.value += msgNum;
    c.bytes.value += bytes;
  }

  recordDlq(group: string, topic: string): void {
    this.sendToDlq.cell(`${group}\u0001${topic}`, () => ({ consumer_group: group, topic, is_system: String(isSystemTopic(topic)) })).value++;
  }

  recordEndTransaction(commit: boolean, topic: string): void {
    (commit ? this.commitMessages : this.rollbackMessages).cell(topic, () => ({ topic })).value++;
  }

  /** RemotingServer observer; `longPolling` when a held pull is answered at last. */
  requestDone(req: RemotingCommand, res: RemotingCommand | null, startedAt: number, conn: Connection, longPolling = false): void {
    this.rpc.requestDone(req, res, startedAt, conn, longPolling);
  }

  // ---- gauges computed at scrape time

  private producerConnections(): Series[] {
    const counts = new Map<string, Series>();
    for (const g of this.b.producers.groups.values()) {
      for (const c of g.values()) {
        const language = languageNameOf(c.language).toLowerCase();
        const version = versionDesc(c.version).toLowerCase();
        const k = `${language}\u0001${version}`;
        let s = counts.get(k);
        if (!s) counts.set(k, (s = { labels: { language, version, protocol_type: 'remoting' }, value: 0 }));
        s.value++;
      }
    }
    return [...counts.values()];
  }

  private consumerConnections(): Series[] {
    const counts = new Map<string, Series>();
    for (const [group, info] of this.b.consumers.groups) {
      const mode = consumeModeOf(info.consumeType);
      for (const c of info.channels.values()) {
        const language = languageNameOf(c.language).toLowerCase();
        const version = versionDesc(c.version).toLowerCase();
        const k = `${group}\u0001${language}\u0001${version}`;
        let s = counts.get(k);
        if (!s) {
          const labels = { consumer_group: group, language, version, consume_mode: mode, protocol_type: 'remoting', is_system: String(isSystemGroup(group)) };
          counts.set(k, (s = { labels, value: 0 }));
        }
        s.value++;
      }
    }
    return [...counts.values()];
  }

  /**
   * Java's ConsumerLagCalculator for pull, push and lite-pull groups: per online group and subscribed topic (retry
   * topics left out), summed over the write queues. Filters are not estimated: a tag or SQL92 subscription reports
   * every message behind it, as Java does with estimateAccumulation=false.
   */
  private lagFamilies(): GaugeFamily[] {
    let pending: Promise<LagRow[]> | undefined;
    // The five gauges of one scrape share one walk over the groups.
    const rows = (): Promise<LagRow[]> => {
      if (!pending) {
        pending = this.computeLag();
        void pending.finally(() => setImmediate(() => (pending = undefined)));
      }
      return pending;
    };
    const now = () => Date.now();
    return [
      new GaugeFamily('rocketmq_consumer_lag_messages', 'Messages behind the committed offset of a consumer group.', async () => (await rows()).map((r) => ({ labels: r.labels, value: r.lag }))),
      new GaugeFamily('rocketmq_consumer_lag_latency_milliseconds', 'Age of the oldest message not yet committed.', async () =>
        (await rows()).map((r) => ({ labels: r.labels, value: r.lagTimestamp > 0 ? now() - r.lagTimestamp : 0 })),
      ),
      new GaugeFamily('rocketmq_consumer_inflight_messages', 'Messages pulled but not yet committed.', async () => (await rows()).map((r) => ({ labels: r.labels, value: r.inflight }))),
      new GaugeFamily('rocketmq_consumer_queueing_latency_milliseconds', 'Age of the oldest message not yet pulled.', async () =>
        (await rows()).map((r) => ({ labels: r.labels, value: r.queueingTimestamp > 0 ? now() - r.queueingTimestamp : 0 })),
      ),
      new GaugeFamily('rocketmq_consumer_ready_messages', 'Messages stored but not yet pulled.', async () => (await rows()).map((r) => ({ labels: r.labels, value: r.ready }))),
    ];
  }

  private async computeLag(): Promise<LagRow[]> {
    const b = this.b;
    const out: LagRow[] = [];
    for (const [group, info] of b.consumers.groups) {
      if (!b.groups.table.has(group) && !b.config.autoCreateSubscriptionGroup) continue;
      for (const topic of info.subscriptions.keys()) {
        if (isRetryTopic(topic)) continue;
        const tc = b.topics.get(topic);
        if (!tc || (tc.perm & b.config.brokerPermission & (PERM_READ | PERM_WRITE)) === 0) continue;
        const row: LagRow = {
          labels: { consumer_group: group, topic, is_retry: 'false', is_system: String(isSystemTopic(topic) || isSystemGroup(group)) },
          lag: 0,
          inflight: 0,
          ready: 0,
          lagTimestamp: Number.MAX_SAFE_INTEGER,
          queueingTimestamp: Number.MAX_SAFE_INTEGER,
        };
        for (let q = 0; q < tc.writeQueueNums; q++) {
          const brokerOffset = Math.max(0, b.store.maxOffsetInQueue(topic, q));
          let consumerOffset = b.offsets.queryOffset(group, topic, q);
          if (consumerOffset < 0) consumerOffset = brokerOffset;
          // Java: no pull yet counts as pulled to 0 for inflight and as nothing ready.
          const pulled = b.offsets.queryPullOffset(group, topic, q);
          row.lag += Math.max(0, brokerOffset - consumerOffset);
          row.inflight += Math.max(0, Math.max(0, pulled) - consumerOffset);
          const readyFrom = pulled < 0 ? brokerOffset : pulled;
          row.ready += Math.max(0, brokerOffset - readyFrom);
          if (consumerOffset < brokerOffset) {
            const t = await b.store.messageStoreTimestamp(topic, q, consumerOffset);
            if (t > 0) row.lagTimestamp = Math.min(row.lagTimestamp, t);
          }
          if (readyFrom < brokerOffset) {
            const t = await b.store.messageStoreTimestamp(topic, q, readyFrom);
            if (t > 0) row.queueingTimestamp = Math.min(row.queueingTimestamp, t);
          }
        }
        if (row.lagTimestamp === Number.MAX_SAFE_INTEGER) row.lagTimestamp = 0;
        if (row.queueingTimestamp === Number.MAX_SAFE_INTEGER) row.queueingTimestamp = 0;
        out.push(row);
      }
    }
    return out;
  }

  private storageSize(): Series[] {
    try {
      const s = fs.statfsSync(this.b.storeConfig.storePathRootDir);
      const total = s.blocks * s.bsize;
      if (total <= 0) return [];
      return [{ labels: STORE_LABELS, value: total - s.bfree * s.bsize }];
    } catch {
      return [];
    }
  }

  private async reserveTime(): Promise<Series[]> {
    const t = await this.b.store.earliestStoreTime();
    const age = t > 0 ? Date.now() - t : 0;
    return age > 0 ? [{ labels: STORE_LABELS, value: age }] : [];
  }
}

interface LagRow {
  labels: Labels;
  lag: number;
  inflight: number;
  ready: number;
  lagTimestamp: number;
  queueingTimestamp: number;
}

const STORE_LABELS: Labels = { storage_type: 'local', storage_medium: 'disk' };

/** ConsumeType#getTypeCN in lower case. */
function consumeModeOf(consumeType: string): string {
  if (consumeType === 'CONSUME_ACTIVELY') return 'pull';
  if (consumeType === 'CONSUME_POP') return 'pop';
  return 'push';
}

function isSystemGroup(group: string): boolean {
  return group.toUpperCase().startsWith('CID_RMQ_SYS_');
}

