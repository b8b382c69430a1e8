/**
 * 64-bit fields as JS numbers. Offsets, queue offsets and millisecond timestamps stay far below 2^53, so a number is
 * exact and avoids a BigInt per field on hot paths. Values beyond ±2^53 (only ConsumeQueueExt addresses, which tsmq
 * does not write) would lose precision.
 */
const TWO_32 = 4294967296;

export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

export function writeInt64(buf: Buffer, value: number, at: number): number {
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(value - hi * TWO_32, at + 4);
  return at + 8;
}
