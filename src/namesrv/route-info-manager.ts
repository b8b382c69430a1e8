import type { Logger } from '../common/logger';
import type { Connection } from '../remoting/connection';
import {
  FLAG_UNIT,
  FLAG_UNIT_SUB,
  PERM_READ,
  PERM_WRITE,
  sameDataVersion,
  type BrokerData,
  type DataVersion,
  type QueueData,
  type TopicConfig,
  type TopicRouteData,
} from '../remoting/bodies/route-data';

/** Java: DEFAULT_BROKER_CHANNEL_EXPIRED_TIME. */
export const BROKER_CHANNEL_EXPIRED_MS = 120_000;

const MASTER_ID = 0;

interface BrokerLiveInfo {
  lastUpdateTimestamp: number;
  timeoutMs: number;
  dataVersion: DataVersion;
  conn: Connection | undefined;
  haServerAddr: string;
  clusterName: string;
}

export interface RegisterBrokerInput {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  dataVersion: DataVersion;
  topicConfigTable: Map<string, TopicConfig>;
  filterServerList: string[] | undefined;
  conn: Connection | undefined;
  heartbeatTimeoutMs?: number;
  enableActingMaster?: boolean;
  zoneName?: string;
}

export interface RegisterBrokerResult {
  haServerAddr?: string;
  masterAddr?: string;
}

/**
 * The name server's tables (Java: RouteInfoManager): cluster -> broker names, broker name -> addresses, topic ->
 * queue data per broker, and the liveness of each broker address. All state lives on the one event loop, so the
 * Java read/write lock has no counterpart here.
 */
export class RouteInfoManager {
  readonly clusterAddrTable = new Map<string, Set<string>>();
  readonly brokerAddrTable = new Map<string, BrokerData>();
  readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();
  private readonly filterServerTable = new Map<string, string[]>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Broker addresses whose registrations are current (metrics). */
  get liveBrokerCount(): number {
    return this.brokerLiveTable.size;
  }

  registerBroker(b: RegisterBrokerInput): RegisterBrokerResult {
    let names = this.clusterAddrTable.get(b.clusterName);
    if (!names) this.clusterAddrTable.set(b.clusterName, (names = new Set()));
    names.add(b.brokerName);

    let registerFirst = false;
    let brokerData = this.brokerAddrTable.get(b.brokerName);
    if (!brokerData) {
      registerFirst = true;
      brokerData = { cluster: b.clusterName, brokerName: b.brokerName, brokerAddrs: new Map(), enableActingMaster: false };
      this.brokerAddrTable.set(b.brokerName, brokerData);
    }
    if (b.enableActingMaster !== undefined) brokerData.enableActingMaster = b.enableActingMaster;
    if (b.zoneName !== undefined) brokerData.zoneName = b.zoneName;
    // A slave promoted to master re-registers its address under id 0: one address keeps one id.
    for (const [id, addr] of brokerData.brokerAddrs) {
      if (addr === b.brokerAddr && id !== b.brokerId) brokerData.brokerAddrs.delete(id);
    }
    const oldAddr = brokerData.brokerAddrs.get(b.brokerId);
    brokerData.brokerAddrs.set(b.brokerId, b.brokerAddr);
    registerFirst = registerFirst || oldAddr === undefined;

    const prevLive = this.brokerLiveTable.get(b.brokerAddr);
    if (b.brokerId === MASTER_ID && (registerFirst || !sameDataVersion(prevLive?.dataVersion, b.dataVersion))) {
      for (const tc of b.topicConfigTable.values()) this.createAndUpdateQueueData(b.brokerName, tc);
    }
    this.brokerLiveTable.set(b.brokerAddr, {
      lastUpdateTimestamp: this.now(),
      timeoutMs: b.heartbeatTimeoutMs && b.heartbeatTimeoutMs > 0 ? b.heartbeatTimeoutMs : BROKER_CHANNEL_EXPIRED_MS,
      dataVersion: b.dataVersion,
      conn: b.conn,
      haServerAddr: b.haServerAddr,
      clusterName: b.clusterName,
    });
    if (!prevLive) {
      this.logger.info('broker registered', {
        cluster: b.clusterName,
        broker: b.brokerName,
        brokerId: b.brokerId,
        addr: b.brokerAddr,
        topics: b.topicConfigTable.size,
      });
    }
    if (b.filterServerList) {
      if (b.filterServerList.length === 0) this.filterServerTable.delete(b.brokerAddr);
      else this.filterServerTable.set(b.brokerAddr, b.filterServerList);
    }
    const result: RegisterBrokerResult = {};
    if (b.brokerId !== MASTER_ID) {
      const masterAddr = brokerData.brokerAddrs.get(MASTER_ID);
      const masterLive = masterAddr !== undefined ? this.brokerLiveTable.get(masterAddr) : undefined;
      if (masterAddr !== undefined && masterLive) {
        result.haServerAddr = masterLive.haServerAddr;
        result.masterAddr = masterAddr;
      }
    }
    return result;
  }

  private createAndUpdateQueueData(brokerName: string, tc: TopicConfig): void {
    const qd: QueueData = {
      brokerName,
      readQueueNums: tc.readQueueNums,
      writeQueueNums: tc.writeQueueNums,
      perm: tc.perm,
      topicSysFlag: tc.topicSysFlag,
    };
    let map = this.topicQueueTable.get(tc.topicName);
    if (!map) {
      this.topicQueueTable.set(tc.topicName, (map = new Map()));
      this.logger.debug('new topic registered', { topic: tc.topicName, broker: brokerName });
    }
    map.set(brokerName, qd);
  }

  isBrokerTopicConfigChanged(brokerAddr: string, dataVersion: DataVersion): boolean {
    return !sameDataVersion(this.brokerLiveTable.get(brokerAddr)?.dataVersion, dataVersion);
  }

  queryBrokerTopicConfig(brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(brokerAddr)?.dataVersion;
  }

  updateBrokerInfoUpdateTimestamp(brokerAddr: string): void {
    const live = this.brokerLiveTable.get(brokerAddr);
    if (live) live.lastUpdateTimestamp = this.now();
  }

  unregisterBroker(clusterName: string, brokerAddr: string, brokerName: string, brokerId: number): void {
    const live = this.brokerLiveTable.get(brokerAddr);
    this.brokerLiveTable.delete(brokerAddr);
    this.filterServerTable.delete(brokerAddr);
    this.logger.info('broker unregistered', { cluster: clusterName, broker: brokerName, brokerId, addr: brokerAddr, known: !!live });
    const brokerData = this.brokerAddrTable.get(brokerName);
    if (!brokerData) return;
    brokerData.brokerAddrs.delete(brokerId);
    if (brokerData.brokerAddrs.size > 0) return;
    this.brokerAddrTable.delete(brokerName);
    const names = this.clusterAddrTable.get(clusterName);
    if (names) {
      names.delete(brokerName);
      if (names.size === 0) this.clusterAddrTable.delete(clusterName);
    }
    this.removeTopicsOfBroker(brokerName);
  }

  private removeTopicsOfBroker(brokerName: string): void {
    for (const [topic, map] of this.topicQueueTable) {
      map.delete(brokerName);
      if (map.size === 0) this.topicQueueTable.delete(topic);
    }
  }

  /** A broker's connection closed, or it went silent: forget that address (Java: onChannelDestroy). */
  removeBrokerAddr(brokerAddr: string, why: string): void {
    const live = this.brokerLiveTable.get(brokerAddr);
    this.brokerLiveTable.delete(brokerAddr);
    this.filterServerTable.delete(brokerAddr);
    for (const [brokerName, bd] of this.brokerAddrTable) {
      let found = false;
      for (const [id, addr] of bd.brokerAddrs) {
        if (addr === brokerAddr) {
          bd.brokerAddrs.delete(id);
          found = true;
          this.logger.warn('broker removed from routes', { broker: brokerName, brokerId: id, addr: brokerAddr, why });
          break;
        }
      }
      if (!found) continue;
      if (bd.brokerAddrs.size === 0) {
        this.brokerAddrTable.delete(brokerName);
        for (const [cluster, names] of this.clusterAddrTable) {
          if (names.delete(brokerName)) {
            if (names.size === 0) this.clusterAddrTable.delete(cluster);
            break;
          }
        }
        this.removeTopicsOfBroker(brokerName);
      }
      return;
    }
    if (live) this.logger.warn('broker removed from routes', { addr: brokerAddr, why });
  }

  onConnectionClosed(conn: Connection): void {
    for (const [addr, live] of this.brokerLiveTable) {
      if (live.conn === conn) {
        this.removeBrokerAddr(addr, `connection from ${conn.remoteAddress} closed`);
        return;
      }
    }
  }

  /** Drops brokers silent for longer than their timeout; returns how many. */
  scanNotActiveBroker(): number {
    const now = this.now();
    let removed = 0;
    for (const [addr, live] of this.brokerLiveTable) {
      if (live.lastUpdateTimestamp + live.timeoutMs < now) {
        live.conn?.close(`broker ${addr} silent for more than ${live.timeoutMs} ms`);
        this.removeBrokerAddr(addr, `no registration for more than ${live.timeoutMs} ms`);
        removed++;
      }
    }
    return removed;
  }

  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const queues = this.topicQueueTable.get(topic);
    if (!queues) return undefined;
    const brokerDatas: BrokerData[] = [];
    const filterServerTable = new Map<string, string[]>();
    for (const brokerName of queues.keys()) {
      const bd = this.brokerAddrTable.get(brokerName);
      if (!bd) continue;
      const clone: BrokerData = { ...bd, brokerAddrs: new Map(bd.brokerAddrs) };
      brokerDatas.push(clone);
      for (const addr of clone.brokerAddrs.values()) {
        const list = this.filterServerTable.get(addr);
        if (list) filterServerTable.set(addr, list);
      }
    }
    if (brokerDatas.length === 0) return undefined;
    return { queueDatas: [...queues.values()].map((q) => ({ ...q })), brokerDatas, filterServerTable };
  }

  deleteTopic(topic: string, clusterName?: string): void {
    if (!clusterName) {
      this.topicQueueTable.delete(topic);
      return;
    }
    const names = this.clusterAddrTable.get(clusterName);
    const queues = this.topicQueueTable.get(topic);
    if (!names || !queues) return;
    for (const name of names) queues.delete(name);
    if (queues.size === 0) this.topicQueueTable.delete(topic);
  }

  allTopics(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  topicsByCluster(cluster: string): string[] {
    const names = this.clusterAddrTable.get(cluster);
    if (!names) return [];
    const out = new Set<string>();
    for (const name of names) {
      for (const [topic, queues] of this.topicQueueTable) if (queues.has(name)) out.add(topic);
    }
    return [...out];
  }

  /** Cluster names and broker names (they double as topics), plus one broker address (Java: getSystemTopicList). */
  systemTopicList(): { topics: string[]; brokerAddr?: string } {
    const topics: string[] = [];
    for (const [cluster, names] of this.clusterAddrTable) topics.push(cluster, ...names);
    for (const bd of this.brokerAddrTable.values()) {
      const first = bd.brokerAddrs.values().next();
      if (!first.done) return { topics, brokerAddr: first.value };
    }
    return { topics };
  }

  /** Topics whose first queue data matches (Java looks at one queue data per topic). */
  private topicsWhere(pick: (sysFlag: number) => boolean): string[] {
    const out: string[] = [];
    for (const [topic, queues] of this.topicQueueTable) {
      const first = queues.values().next();
      if (!first.done && pick(first.value.topicSysFlag)) out.push(topic);
    }
    return out;
  }

  unitTopics(): string[] {
    return this.topicsWhere((f) => (f & FLAG_UNIT) !== 0);
  }

  hasUnitSubTopics(): string[] {
    return this.topicsWhere((f) => (f & FLAG_UNIT_SUB) !== 0);
  }

  hasUnitSubUnUnitTopics(): string[] {
    return this.topicsWhere((f) => (f & FLAG_UNIT) === 0 && (f & FLAG_UNIT_SUB) !== 0);
  }

  /** WIPE_WRITE_PERM_OF_BROKER clears W; ADD_WRITE_PERM_OF_BROKER sets R|W. Returns the number of topics touched. */
  wipeWritePerm(brokerName: string): number {
    return this.updatePerm(brokerName, (p) => p & ~PERM_WRITE);
  }

  addWritePerm(brokerName: string): number {
    return this.updatePerm(brokerName, () => PERM_READ | PERM_WRITE);
  }

  private updatePerm(brokerName: string, f: (perm: number) => number): number {
    let n = 0;
    for (const queues of this.topicQueueTable.values()) {
      const qd = queues.get(brokerName);
      if (qd) {
        qd.perm = f(qd.perm);
        n++;
      }
    }
    return n;
  }
}
