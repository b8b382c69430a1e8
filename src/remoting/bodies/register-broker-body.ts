import zlib from 'node:zlib';
import { ResponseError } from '../errors';
import { parseLenientJson } from '../../common/lenient-json';
import { MQVersion } from '../mq-version';
import { ResponseCode } from '../response-code';
import type { DataVersion, TopicConfig } from './route-data';

/**
 * RegisterBrokerBody, plain JSON or the compressed form (BODIES.md §4), and the bare TopicConfigSerializeWrapper that
 * brokers older than V3_0_11 send. Unknown properties (5.x static-topic mapping tables) are ignored.
 */
export interface RegisterBrokerBody {
  dataVersion: DataVersion;
  topicConfigTable: Map<string, TopicConfig>;
  filterServerList: string[];
}

function bad(why: string): ResponseError {
  return new ResponseError(ResponseCode.SYSTEM_ERROR, `Failed to decode RegisterBrokerBody: ${why}`);
}

function num(v: unknown, dflt: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return dflt;
}

export function toDataVersion(v: unknown): DataVersion {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const dv: DataVersion = { counter: num(o.counter, 0), timestamp: num(o.timestamp, 0) };
  if (o.stateVersion !== undefined) dv.stateVersion = num(o.stateVersion, 0);
  return dv;
}

export function toTopicConfig(name: string, v: unknown): TopicConfig {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const tc: TopicConfig = {
    topicName: typeof o.topicName === 'string' ? o.topicName : name,
    readQueueNums: num(o.readQueueNums, 16),
    writeQueueNums: num(o.writeQueueNums, 16),
    perm: num(o.perm, 6),
    topicFilterType: typeof o.topicFilterType === 'string' ? o.topicFilterType.toUpperCase() : 'SINGLE_TAG',
    topicSysFlag: num(o.topicSysFlag, 0),
    order: o.order === true || o.order === 'true',
  };
  if (o.attributes && typeof o.attributes === 'object') {
    tc.attributes = Object.fromEntries(Object.entries(o.attributes as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  }
  return tc;
}

function fromWrapper(wrapper: Record<string, unknown>, filterServerList: unknown): RegisterBrokerBody {
  const table = new Map<string, TopicConfig>();
  const tct = wrapper.topicConfigTable;
  if (tct && typeof tct === 'object') {
    for (const [name, tc] of Object.entries(tct as Record<string, unknown>)) {
      const config = toTopicConfig(name, tc);
      table.set(config.topicName, config);
    }
  }
  return {
    dataVersion: toDataVersion(wrapper.dataVersion),
    topicConfigTable: table,
    filterServerList: Array.isArray(filterServerList) ? filterServerList.map(String) : [],
  };
}

export function decodeRegisterBrokerBody(body: Buffer | undefined, compressed: boolean, requestVersion: number): RegisterBrokerBody {
  if (!body || body.length === 0) {
    return { dataVersion: { counter: 0, timestamp: 0 }, topicConfigTable: new Map(), filterServerList: [] };
  }
  if (compressed) return decodeCompressed(body);
  let o: unknown;
  try {
    o = parseLenientJson(body.toString('utf8'));
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (typeof o !== 'object' || o === null) throw bad('not a JSON object');
  const rec = o as Record<string, unknown>;
  if (requestVersion < MQVersion.V3_0_11) return fromWrapper(rec, undefined);
  const wrapper = rec.topicConfigSerializeWrapper;
  return fromWrapper((typeof wrapper === 'object' && wrapper !== null ? wrapper : {}) as Record<string, unknown>, rec.filterServerList);
}

/** The 5.x static-topic mapping entries after the filter server list are not used by tsmq and are not read. */
function decodeCompressed(body: Buffer): RegisterBrokerBody {
  let data: Buffer;
  try {
    data = zlib.inflateSync(body);
  } catch (e) {
    throw bad(`inflate failed: ${(e as Error).message}`);
  }
  let pos = 0;
  const int = (): number => {
    if (pos + 4 > data.length) throw bad('truncated compressed body');
    const v = data.readInt32BE(pos);
    pos += 4;
    return v;
  };
  const text = (): string => {
    const len = int();
    if (len < 0 || pos + len > data.length) throw bad('truncated compressed body');
    const s = data.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  const dataVersion = toDataVersion(parseLenientJson(text()));
  const topicConfigTable = new Map<string, TopicConfig>();
  const count = int();
  for (let i = 0; i < count; i++) {
    // TopicConfig.encode(): "name read write perm FILTERTYPE[ attributesJson]"
    const line = text();
    const parts = line.split(' ');
    const tc = toTopicConfig(parts[0] ?? '', {
      topicName: parts[0],
      readQueueNums: parts[1],
      writeQueueNums: parts[2],
      perm: parts[3],
      topicFilterType: parts[4],
      attributes: parts.length > 5 && parts.slice(5).join(' ') !== '' ? parseLenientJson(parts.slice(5).join(' ')) : undefined,
    });
    topicConfigTable.set(tc.topicName, tc);
  }
  let filterServerList: string[] = [];
  try {
    const f = parseLenientJson(text());
    if (Array.isArray(f)) filterServerList = f.map(String);
  } catch {
    filterServerList = [];
  }
  return { dataVersion, topicConfigTable, filterServerList };
}
