import { readInt64, writeInt64 } from '../common/int64';

/**
 * The offset message id (MESSAGE.md §10.1): store host address, port and CommitLog offset, as upper-case hex. Tools
 * decode it to find the broker and the record, so it must name the record's real offset.
 */
export function createMessageId(storeHost: Buffer, commitLogOffset: number): string {
  const b = Buffer.allocUnsafe(storeHost.length + 8);
  storeHost.copy(b, 0);
  writeInt64(b, commitLogOffset, storeHost.length);
  return b.toString('hex').toUpperCase();
}

export function decodeMessageId(msgId: string): { storeHost: Buffer; commitLogOffset: number } {
  if (!/^[0-9a-fA-F]+$/.test(msgId) || (msgId.length !== 32 && msgId.length !== 56)) {
    throw new Error(`not an offset message id: ${msgId}`);
  }
  const b = Buffer.from(msgId, 'hex');
  const hostLen = b.length - 8;
  return { storeHost: b.subarray(0, hostLen), commitLogOffset: readInt64(b, hostLen) };
}
