import type { ExtFields } from '../remoting-command';
import { RequestCode } from '../request-code';
import { optionalBool, optionalInt, optionalString, requiredInt, requiredLong, requiredString } from './header-fields';

/**
 * SendMessageRequestHeader (SEND_MESSAGE, 10) and its V2 form with one-letter keys (SEND_MESSAGE_V2 310,
 * SEND_BATCH_MESSAGE 320). Java fields: producerGroup, topic, defaultTopic, defaultTopicQueueNums, queueId, sysFlag,
 * bornTimestamp, flag, properties, reconsumeTimes, unitMode, batch, maxReconsumeTimes; 4.9.5+/5.x bname.
 * The key set is chosen by request code, as Java's parseRequestHeader does.
 */
export interface SendMessageRequestHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties: string;
  reconsumeTimes: number;
  unitMode: boolean;
  batch: boolean;
  maxReconsumeTimes: number | undefined;
  brokerName: string | undefined;
}

/** V2 alias -> V1 name, the one table of Java's single-letter spellings. */
export const SEND_V2_KEYS = {
  a: 'producerGroup',
  b: 'topic',
  c: 'defaultTopic',
  d: 'defaultTopicQueueNums',
  e: 'queueId',
  f: 'sysFlag',
  g: 'bornTimestamp',
  h: 'flag',
  i: 'properties',
  j: 'reconsumeTimes',
  k: 'unitMode',
  l: 'maxReconsumeTimes',
  m: 'batch',
  n: 'bname',
} as const;

export function decodeSendMessageRequestHeader(code: number, ext: ExtFields | undefined): SendMessageRequestHeader {
  const v2 = code === RequestCode.SEND_MESSAGE_V2 || code === RequestCode.SEND_BATCH_MESSAGE || code === RequestCode.SEND_REPLY_MESSAGE_V2;
  const k = (v1: string, alias: keyof typeof SEND_V2_KEYS) => (v2 ? alias : v1);
  return {
    producerGroup: requiredString(ext, k('producerGroup', 'a')),
    topic: requiredString(ext, k('topic', 'b')),
    defaultTopic: optionalString(ext, k('defaultTopic', 'c')) ?? 'TBW102',
    defaultTopicQueueNums: optionalInt(ext, k('defaultTopicQueueNums', 'd')) ?? 4,
    queueId: requiredInt(ext, k('queueId', 'e')),
    sysFlag: requiredInt(ext, k('sysFlag', 'f')),
    bornTimestamp: requiredLong(ext, k('bornTimestamp', 'g')),
    flag: requiredInt(ext, k('flag', 'h')),
    properties: optionalString(ext, k('properties', 'i')) ?? '',
    reconsumeTimes: optionalInt(ext, k('reconsumeTimes', 'j')) ?? 0,
    unitMode: optionalBool(ext, k('unitMode', 'k')) ?? false,
    batch: optionalBool(ext, k('batch', 'm')) ?? false,
    maxReconsumeTimes: optionalInt(ext, k('maxReconsumeTimes', 'l')),
    brokerName: optionalString(ext, 'bname') ?? (v2 ? optionalString(ext, 'n') : undefined),
  };
}
