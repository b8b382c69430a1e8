import zlib from 'node:zlib';
import { writeInt64 } from '../common/int64';
import { MessageSysFlag } from './message-sys-flag';
import type { MessageExtBatch, MessageExtBrokerInner } from './message-ext';

/** Magic codes (MESSAGE.md §1, §2). */
export const MESSAGE_MAGIC_CODE = -626843481; // 0xDAA320A7, V1: 1-byte topic length
export const MESSAGE_MAGIC_CODE_V2 = -626843477; // 0xDAA320AB, V2: 2-byte topic length (5.1.0+)
export const BLANK_MAGIC_CODE = -875286124; // 0xCBD43194

/** Bytes a record takes (the length formula Java checks on read). */
export function calMsgLength(sysFlag: number, bodyLength: number, topicLength: number, propertiesLength: number, v2 = false): number {
  const bornHostLength = sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 20 : 8;
  const storeHostLength = sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG ? 20 : 8;
  return 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + bornHostLength + 8 + storeHostLength + 4 + 8 + 4 + bodyLength + (v2 ? 2 : 1) + topicLength + 2 + propertiesLength;
}

/** BODYCRC: CRC-32 of the stored body with the top bit cleared (MESSAGE.md §4). */
export function bodyCrc(body: Buffer): number {
  return body.length === 0 ? 0 : zlib.crc32(body) & 0x7fffffff;
}

/**
 * One record ready to be placed: everything but its position-dependent fields (queue offset, CommitLog offset,
 * store time) is known, so the CommitLog can size it, decide on a file roll, then write it in one pass.
 */
export interface PreparedRecord {
  size: number;
  queueId: number;
  flag: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: Buffer;
  storeHost: Buffer;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  bodyCRC: number;
  topic: string;
  topicLength: number;
  v2: boolean;
  /** Properties as text, or as the client's bytes followed by the batch-level text (batches). */
  propertiesString: string;
  propertiesPrefix: Buffer | undefined;
  propertiesLength: number;
}

export class MessageTooLargeError extends Error {}

function hostFlags(sysFlag: number, bornHost: Buffer, storeHost: Buffer): number {
  let f = sysFlag & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  if (bornHost.length === 20) f |= MessageSysFlag.BORNHOST_V6_FLAG;
  if (storeHost.length === 20) f |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  return f;
}

/**
 * Prepares one message. Topics longer than 127 bytes need the V2 magic (5.1.0+ brokers write it automatically); the
 * body limit is maxMessageSize and the properties limit 32767 bytes, as in Java's encoder.
 */
export function prepareMessage(msg: MessageExtBrokerInner, maxMessageSize: number): PreparedRecord {
  const topicLength = Buffer.byteLength(msg.topic, 'utf8');
  const propertiesLength = Buffer.byteLength(msg.propertiesString, 'utf8');
  if (propertiesLength > 32767) throw new MessageTooLargeError(`properties of ${propertiesLength} bytes exceed 32767`);
  if (msg.body.length > maxMessageSize) throw new MessageTooLargeError(`body of ${msg.body.length} bytes exceeds maxMessageSize ${maxMessageSize}`);
  const v2 = topicLength > 127;
  if (topicLength > 32767) throw new MessageTooLargeError(`topic of ${topicLength} bytes is too long`);
  const sysFlag = hostFlags(msg.sysFlag, msg.bornHost, msg.storeHost);
  return {
    size: calMsgLength(sysFlag, msg.body.length, topicLength, propertiesLength, v2),
    queueId: msg.queueId,
    flag: msg.flag,
    sysFlag,
    bornTimestamp: msg.bornTimestamp,
    bornHost: msg.bornHost,
    storeHost: msg.storeHost,
    reconsumeTimes: msg.reconsumeTimes,
    preparedTransactionOffset: msg.preparedTransactionOffset,
    body: msg.body,
    bodyCRC: bodyCrc(msg.body),
    topic: msg.topic,
    topicLength,
    v2,
    propertiesString: msg.propertiesString,
    propertiesPrefix: undefined,
    propertiesLength,
  };
}

/**
 * Splits a client batch body (MESSAGE.md §9.1) into records. Each item keeps its own flag, body and property bytes;
 * the batch-level properties follow, after a 0x02 when the item's bytes do not already end with one (4.9.3+).
 * A malformed body throws.
 */
export function prepareBatch(batch: MessageExtBatch, maxMessageSize: number): PreparedRecord[] {
  const out: PreparedRecord[] = [];
  const b = batch.body;
  const topicLength = Buffer.byteLength(batch.topic, 'utf8');
  if (topicLength > 127) throw new MessageTooLargeError(`batch topic of ${topicLength} bytes exceeds 127`);
  const sysFlag = hostFlags(batch.sysFlag, batch.bornHost, batch.storeHost);
  const extra = batch.batchPropertiesString;
  const extraLength = Buffer.byteLength(extra, 'utf8');
  let pos = 0;
  while (pos < b.length) {
    if (pos + 20 > b.length) throw new MessageTooLargeError('batch body truncated in an item header');
    // totalSize, magic and bodyCRC of the item are not trusted (Java reads past them too).
    const flag = b.readInt32BE(pos + 12);
    const bodyLen = b.readInt32BE(pos + 16);
    if (bodyLen < 0 || pos + 20 + bodyLen + 2 > b.length) throw new MessageTooLargeError('batch body truncated in an item body');
    if (bodyLen > maxMessageSize) throw new MessageTooLargeError(`batch item body of ${bodyLen} bytes exceeds maxMessageSize`);
    const body = b.subarray(pos + 20, pos + 20 + bodyLen);
    const propLen = b.readInt16BE(pos + 20 + bodyLen);
    const propStart = pos + 22 + bodyLen;
    if (propLen < 0 || propStart + propLen > b.length) throw new MessageTooLargeError('batch body truncated in item properties');
    const itemProps = b.subarray(propStart, propStart + propLen);
    let propertiesString = '';
    if (extraLength > 0) propertiesString = (itemProps.length > 0 && itemProps[itemProps.length - 1] !== 2 ? '\u0002' : '') + extra;
    const propertiesLength = itemProps.length + Buffer.byteLength(propertiesString, 'utf8');
    if (propertiesLength > 32767) throw new MessageTooLargeError(`properties of ${propertiesLength} bytes exceed 32767`);
    out.push({
      size: calMsgLength(sysFlag, bodyLen, topicLength, propertiesLength),
      queueId: batch.queueId,
      flag,
      sysFlag,
      bornTimestamp: batch.bornTimestamp,
      bornHost: batch.bornHost,
      storeHost: batch.storeHost,
      reconsumeTimes: batch.reconsumeTimes,
      preparedTransactionOffset: 0,
      body,
      bodyCRC: bodyCrc(body),
      topic: batch.topic,
      topicLength,
      v2: false,
      propertiesString,
      propertiesPrefix: itemProps,
      propertiesLength,
    });
    pos = propStart + propLen;
  }
  return out;
}

/** Writes a prepared record at `pos`; returns the position after it. */
export function writeRecord(buf: Buffer, pos: number, r: PreparedRecord, queueOffset: number, commitLogOffset: number, storeTimestamp: number): number {
  let p = pos;
  buf.writeInt32BE(r.size, p);
  buf.writeInt32BE(r.v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE, p + 4);
  buf.writeInt32BE(r.bodyCRC, p + 8);
  buf.writeInt32BE(r.queueId, p + 12);
  buf.writeInt32BE(r.flag, p + 16);
  writeInt64(buf, queueOffset, p + 20);
  writeInt64(buf, commitLogOffset, p + 28);
  buf.writeInt32BE(r.sysFlag, p + 36);
  writeInt64(buf, r.bornTimestamp, p + 40);
  p += 48;
  p += r.bornHost.copy(buf, p);
  writeInt64(buf, storeTimestamp, p);
  p += 8;
  p += r.storeHost.copy(buf, p);
  buf.writeInt32BE(r.reconsumeTimes, p);
  writeInt64(buf, r.preparedTransactionOffset, p + 4);
  buf.writeInt32BE(r.body.length, p + 12);
  p += 16;
  p += r.body.copy(buf, p);
  if (r.v2) {
    buf.writeInt16BE(r.topicLength, p);
    p += 2;
  } else {
    buf.writeInt8(r.topicLength, p);
    p += 1;
  }
  p += buf.write(r.topic, p, 'utf8');
  buf.writeInt16BE(r.propertiesLength, p);
  p += 2;
  if (r.propertiesPrefix) p += r.propertiesPrefix.copy(buf, p);
  if (r.propertiesString.length > 0) p += buf.write(r.propertiesString, p, 'utf8');
  return p;
}

/** The 8-byte BLANK that closes a CommitLog file: TOTALSIZE = bytes left in the file, then the BLANK magic. */
export function writeBlank(buf: Buffer, pos: number, bytesLeft: number): number {
  buf.writeInt32BE(bytesLeft, pos);
  buf.writeInt32BE(BLANK_MAGIC_CODE, pos + 4);
  return pos + 8;
}
