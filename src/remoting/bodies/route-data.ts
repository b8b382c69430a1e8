/**
 * Route bodies (BODIES.md §2, §4, §5): what brokers register and what name servers answer. Writers emit standard,
 * compact JSON with properties in fastjson's alphabetical order; the Go client splits brokerAddrs by hand, so no
 * whitespace may appear. Java, Go and ali-ons all read the quoted-key form.
 */

/** PermName bits. */
export const PERM_PRIORITY = 0x8;
export const PERM_READ = 0x4;
export const PERM_WRITE = 0x2;
export const PERM_INHERIT = 0x1;

/** TopicSysFlag bits. */
export const FLAG_UNIT = 0x1;
export const FLAG_UNIT_SUB = 0x2;

export interface DataVersion {
  counter: number;
  timestamp: number;
  /** 5.x only; absent from 4.9 brokers. */
  stateVersion?: number;
}

export function sameDataVersion(a: DataVersion | undefined, b: DataVersion | undefined): boolean {
  if (!a || !b) return false;
  return a.counter === b.counter && a.timestamp === b.timestamp && (a.stateVersion ?? 0) === (b.stateVersion ?? 0);
}

export function encodeDataVersion(v: DataVersion): string {
  return v.stateVersion === undefined
    ? `{"counter":${v.counter},"timestamp":${v.timestamp}}`
    : `{"counter":${v.counter},"stateVersion":${v.stateVersion},"timestamp":${v.timestamp}}`;
}

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: string;
  topicSysFlag: number;
  order: boolean;
  attributes?: Record<string, string>;
}

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId -> "ip:port"; 0 is the master. */
  brokerAddrs: Map<number, string>;
  enableActingMaster: boolean;
  zoneName?: string;
}

function str(s: string): string {
  return JSON.stringify(s);
}

export function encodeQueueData(q: QueueData): string {
  return `{"brokerName":${str(q.brokerName)},"perm":${q.perm},"readQueueNums":${q.readQueueNums},"topicSysFlag":${q.topicSysFlag},"writeQueueNums":${q.writeQueueNums}}`;
}

/** brokerAddrs with sorted, quoted numeric keys: the form Java's name server gives clients of 4.9.4 and later. */
export function encodeBrokerData(b: BrokerData): string {
  const ids = [...b.brokerAddrs.keys()].sort((x, y) => x - y);
  const addrs = ids.map((id) => `"${id}":${str(b.brokerAddrs.get(id)!)}`).join(',');
  const zone = b.zoneName !== undefined ? `,"zoneName":${str(b.zoneName)}` : '';
  return `{"brokerAddrs":{${addrs}},"brokerName":${str(b.brokerName)},"cluster":${str(b.cluster)},"enableActingMaster":${b.enableActingMaster}${zone}}`;
}

export interface TopicRouteData {
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  filterServerTable: Map<string, string[]>;
  orderTopicConf?: string;
}

export function encodeTopicRouteData(r: TopicRouteData): string {
  const filters = [...r.filterServerTable.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([addr, list]) => `${str(addr)}:[${list.map(str).join(',')}]`)
    .join(',');
  const order = r.orderTopicConf !== undefined ? `,"orderTopicConf":${str(r.orderTopicConf)}` : '';
  return (
    `{"brokerDatas":[${r.brokerDatas.map(encodeBrokerData).join(',')}],"filterServerTable":{${filters}}${order}` +
    `,"queueDatas":[${r.queueDatas.map(encodeQueueData).join(',')}]}`
  );
}

/** ClusterInfo: brokerName -> BrokerData, cluster -> brokerNames. */
export function encodeClusterInfo(brokers: Iterable<BrokerData>, clusters: Map<string, Set<string>>): string {
  const b = [...brokers].map((d) => `${str(d.brokerName)}:${encodeBrokerData(d)}`).join(',');
  const c = [...clusters.entries()].map(([name, set]) => `${str(name)}:[${[...set].map(str).join(',')}]`).join(',');
  return `{"brokerAddrTable":{${b}},"clusterAddrTable":{${c}}}`;
}

export function encodeTopicList(topics: Iterable<string>, brokerAddr?: string): string {
  const addr = brokerAddr !== undefined ? `"brokerAddr":${str(brokerAddr)},` : '';
  return `{${addr}"topicList":[${[...topics].map(str).join(',')}]}`;
}

export function encodeKvTable(table: Map<string, string>): string {
  return `{"table":{${[...table.entries()].map(([k, v]) => `${str(k)}:${str(v)}`).join(',')}}}`;
}
