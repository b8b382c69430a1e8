import { javaStringHashCode } from '../common/java-hash';
import { readInt64 } from '../common/int64';
import { BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2, bodyCrc, calMsgLength } from './message-encoder';
import type { DispatchRequest, MessageExt } from './message-ext';
import { createMessageId } from './message-id';
import { MessageConst, parseProperties } from './message-properties';
import { MessageSysFlag } from './message-sys-flag';

/** What one position of the CommitLog holds (Java: CommitLog#checkMessageAndReturnSize). */
export type RecordCheck =
  | { kind: 'ok'; size: number; dispatch: DispatchRequest }
  | { kind: 'blank'; size: number }
  | { kind: 'invalid'; size: number; reason: string }
  /** Fewer than `size` bytes are in the buffer: read more and look again. */
  | { kind: 'incomplete'; size: number };

export interface CheckOptions {
  checkCRC: boolean;
  /** tagsCode of a record: a tag hash, or for SCHEDULE_TOPIC_XXXX the deliver time (MESSAGE.md §8). */
  tagsCode?: (topic: string, tags: string | undefined, properties: Map<string, string>, storeTimestamp: number) => number;
}

export function tagsString2tagsCode(tags: string | undefined): number {
  return tags ? javaStringHashCode(tags) : 0;
}

/**
 * Validates the record at `pos` and extracts what dispatch needs. `end` bounds the bytes available in `buf`;
 * a record that runs past it is 'incomplete', not invalid, so callers reading in chunks can refill.
 */
export function checkRecord(buf: Buffer, pos: number, end: number, opts: CheckOptions): RecordCheck {
  if (end - pos < 8) return { kind: 'incomplete', size: 8 };
  const size = buf.readInt32BE(pos);
  const magic = buf.readInt32BE(pos + 4);
  if (magic === BLANK_MAGIC_CODE) return { kind: 'blank', size };
  if (magic !== MESSAGE_MAGIC_CODE && magic !== MESSAGE_MAGIC_CODE_V2) return { kind: 'invalid', size: -1, reason: `bad magic code ${magic}` };
  if (size < 91) return { kind: 'invalid', size: -1, reason: `total size ${size} below the smallest record` };
  if (end - pos < size) return { kind: 'incomplete', size };
  try {
    const r = pos + size;
    const bodyCRC = buf.readInt32BE(pos + 8);
    const queueId = buf.readInt32BE(pos + 12);
    const queueOffset = readInt64(buf, pos + 20);
    const physicOffset = readInt64(buf, pos + 28);
    const sysFlag = buf.readInt32BE(pos + 36);
    const bornHostLength = sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 20 : 8;
    const storeHostLength = sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG ? 20 : 8;
    let p = pos + 48 + bornHostLength;
    const storeTimestamp = readInt64(buf, p);
    p += 8 + storeHostLength + 4 + 8;
    const bodyLen = buf.readInt32BE(p);
    p += 4;
    if (bodyLen < 0 || p + bodyLen > r) return { kind: 'invalid', size, reason: `body length ${bodyLen} runs past the record` };
    if (opts.checkCRC && bodyLen > 0) {
      const crc = bodyCrc(buf.subarray(p, p + bodyLen));
      if (crc !== bodyCRC) return { kind: 'invalid', size, reason: `body CRC ${crc} differs from the stored ${bodyCRC}` };
    }
    p += bodyLen;
    const v2 = magic === MESSAGE_MAGIC_CODE_V2;
    const topicLen = v2 ? buf.readInt16BE(p) : buf.readInt8(p);
    p += v2 ? 2 : 1;
    if (topicLen < 0 || p + topicLen > r) return { kind: 'invalid', size, reason: `topic length ${topicLen} runs past the record` };
    const topic = buf.toString('utf8', p, p + topicLen);
    p += topicLen;
    const propLen = buf.readInt16BE(p);
    p += 2;
    let properties = new Map<string, string>();
    if (propLen > 0) {
      if (p + propLen > r) return { kind: 'invalid', size, reason: `properties length ${propLen} runs past the record` };
      properties = parseProperties(buf.toString('utf8', p, p + propLen));
    }
    const expected = calMsgLength(sysFlag, bodyLen, topicLen, propLen > 0 ? propLen : 0, v2);
    if (expected !== size) return { kind: 'invalid', size, reason: `length formula gives ${expected}, record says ${size}` };
    const tags = properties.get(MessageConst.TAGS);
    const tagsCode = opts.tagsCode ? opts.tagsCode(topic, tags, properties, storeTimestamp) : tagsString2tagsCode(tags);
    return {
      kind: 'ok',
      size,
      dispatch: {
        topic,
        queueId,
        commitLogOffset: physicOffset,
        msgSize: size,
        tagsCode,
        storeTimestamp,
        consumeQueueOffset: queueOffset,
        keys: properties.get(MessageConst.KEYS),
        uniqKey: properties.get(MessageConst.UNIQ_KEY),
        sysFlag,
      },
    };
  } catch (err) {
    return { kind: 'invalid', size, reason: (err as Error).message };
  }
}

/** Decodes a whole record for readers. Body is a view of `record`. Throws on a malformed record. */
export function decodeMessage(record: Buffer, at = 0): MessageExt {
  const size = record.readInt32BE(at);
  const magic = record.readInt32BE(at + 4);
  if (magic !== MESSAGE_MAGIC_CODE && magic !== MESSAGE_MAGIC_CODE_V2) throw new Error(`bad magic code ${magic} at ${at}`);
  const sysFlag = record.readInt32BE(at + 36);
  const bornHostLength = sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 20 : 8;
  const storeHostLength = sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG ? 20 : 8;
  let p = at + 48;
  const bornHost = record.subarray(p, p + bornHostLength);
  p += bornHostLength;
  const storeTimestamp = readInt64(record, p);
  p += 8;
  const storeHost = record.subarray(p, p + storeHostLength);
  p += storeHostLength;
  const reconsumeTimes = record.readInt32BE(p);
  const preparedTransactionOffset = readInt64(record, p + 4);
  const bodyLen = record.readInt32BE(p + 12);
  p += 16;
  const body = record.subarray(p, p + bodyLen);
  p += bodyLen;
  const v2 = magic === MESSAGE_MAGIC_CODE_V2;
  const topicLen = v2 ? record.readInt16BE(p) : record.readInt8(p);
  p += v2 ? 2 : 1;
  const topic = record.toString('utf8', p, p + topicLen);
  p += topicLen;
  const propLen = record.readInt16BE(p);
  p += 2;
  const properties = propLen > 0 ? parseProperties(record.toString('utf8', p, p + propLen)) : new Map<string, string>();
  const commitLogOffset = readInt64(record, at + 28);
  return {
    record: record.subarray(at, at + size),
    storeSize: size,
    magic,
    bodyCRC: record.readInt32BE(at + 8),
    queueId: record.readInt32BE(at + 12),
    flag: record.readInt32BE(at + 16),
    queueOffset: readInt64(record, at + 20),
    commitLogOffset,
    sysFlag,
    bornTimestamp: readInt64(record, at + 40),
    bornHost,
    storeTimestamp,
    storeHost,
    reconsumeTimes,
    preparedTransactionOffset,
    body,
    topic,
    properties,
    msgId: createMessageId(storeHost, commitLogOffset),
  };
}

/** Only the properties of a record (SQL92 filtering reads nothing else). */
export function readRecordProperties(record: Buffer, at = 0): Map<string, string> {
  const sysFlag = record.readInt32BE(at + 36);
  let p = at + 48 + (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 20 : 8) + 8 + (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG ? 20 : 8) + 12;
  p += 4 + record.readInt32BE(p);
  const v2 = record.readInt32BE(at + 4) === MESSAGE_MAGIC_CODE_V2;
  p += (v2 ? 2 + record.readInt16BE(p) : 1 + record.readInt8(p));
  const propLen = record.readInt16BE(p);
  return propLen > 0 ? parseProperties(record.toString('utf8', p + 2, p + 2 + propLen)) : new Map();
}
