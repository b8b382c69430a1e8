import { parseLenientJson } from '../../common/lenient-json';

/**
 * HeartbeatData (HEART_BEAT body, BODIES.md §3), as Java, Go and ali-ons send it. Enum names are matched without
 * regard to case (fastjson does the same); numbers may arrive as strings.
 */
export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
}

export interface ConsumerData {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: Array<{ groupName: string }>;
  consumerDataSet: ConsumerData[];
  heartbeatFingerprint: number;
  withoutSub: boolean;
}

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : v === undefined || v === null ? d : String(v));
const num = (v: unknown, d = 0): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : d);
const bool = (v: unknown): boolean => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function toSubscriptionData(v: unknown): SubscriptionData {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return {
    topic: str(o.topic),
    subString: str(o.subString, '*'),
    tagsSet: arr(o.tagsSet).map((x) => str(x)),
    codeSet: arr(o.codeSet).map((x) => num(x)),
    subVersion: num(o.subVersion),
    expressionType: str(o.expressionType, 'TAG').toUpperCase(),
    classFilterMode: bool(o.classFilterMode),
  };
}

export function decodeHeartbeatData(body: Buffer | undefined): HeartbeatData {
  const o = (body && body.length > 0 ? parseLenientJson(body.toString('utf8')) : {}) as Record<string, unknown>;
  if (!o || typeof o !== 'object') throw new Error('heartbeat body is not a JSON object');
  return {
    clientID: str(o.clientID),
    producerDataSet: arr(o.producerDataSet).map((p) => ({ groupName: str((p as Record<string, unknown>)?.groupName) })),
    consumerDataSet: arr(o.consumerDataSet).map((c) => {
      const r = (c && typeof c === 'object' ? c : {}) as Record<string, unknown>;
      return {
        groupName: str(r.groupName),
        consumeType: str(r.consumeType, 'CONSUME_PASSIVELY').toUpperCase(),
        messageModel: str(r.messageModel, 'CLUSTERING').toUpperCase(),
        consumeFromWhere: str(r.consumeFromWhere, 'CONSUME_FROM_LAST_OFFSET').toUpperCase(),
        subscriptionDataSet: arr(r.subscriptionDataSet).map(toSubscriptionData),
        unitMode: bool(r.unitMode),
      };
    }),
    heartbeatFingerprint: num(o.heartbeatFingerprint),
    withoutSub: bool(o.withoutSub),
  };
}

/** SubscriptionData as Java writes it (keys in alphabetical order). */
export function subscriptionDataJson(s: SubscriptionData): Record<string, unknown> {
  return {
    classFilterMode: s.classFilterMode,
    codeSet: s.codeSet,
    expressionType: s.expressionType,
    subString: s.subString,
    subVersion: s.subVersion,
    tagsSet: s.tagsSet,
    topic: s.topic,
  };
}
