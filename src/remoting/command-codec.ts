import { ByteWriter } from './byte-writer';
import { ProtocolError } from './errors';
import { decodeJsonHeader, encodeJsonHeader } from './header-json';
import { decodeRocketMqHeader, writeRocketMqHeader } from './header-rocketmq';
import { SerializeType, type RemotingCommand } from './remoting-command';

/**
 * Frame <-> RemotingCommand. A frame is `int32 length | int32 (serializeType << 24 | headerLength) | header | body`
 * where length counts everything after itself (REMOTING.md §2).
 */

/** Decodes one whole frame (length prefix included). The body is a view of `frame`, not a copy. */
export function decodeCommand(frame: Buffer): RemotingCommand {
  const total = frame.readInt32BE(0);
  const word = frame.readInt32BE(4);
  const type = (word >>> 24) & 0xff;
  const headerLength = word & 0x00ffffff;
  if (headerLength > total - 4) {
    throw new ProtocolError('TSMQ_ERR_HEADER_LENGTH', `header length ${headerLength} exceeds frame length ${total}`);
  }
  const headerEnd = 8 + headerLength;
  let h;
  if (type === SerializeType.JSON) h = decodeJsonHeader(frame, 8, headerEnd);
  else if (type === SerializeType.ROCKETMQ) h = decodeRocketMqHeader(frame, 8, headerEnd);
  else throw new ProtocolError('TSMQ_ERR_SERIALIZE_TYPE', `unknown serialize type ${type}`);
  const cmd = h as RemotingCommand;
  cmd.serializeType = type;
  if (total + 4 > headerEnd) cmd.body = frame.subarray(headerEnd, total + 4);
  return cmd;
}

const writer = new ByteWriter(8192);

function bodyLength(cmd: RemotingCommand): number {
  if (cmd.bodyParts) {
    let n = 0;
    for (const p of cmd.bodyParts) n += p.length;
    return n;
  }
  return cmd.body ? cmd.body.length : 0;
}

/**
 * Encodes the length prefix and header. The body (or body parts) is written after it by the caller, untouched:
 * the prefix already counts it.
 */
export function encodeHead(cmd: RemotingCommand): Buffer {
  const w = writer;
  const prefixAt = w.reserve(8);
  let headerLength: number;
  if (cmd.serializeType === SerializeType.ROCKETMQ) {
    writeRocketMqHeader(w, cmd);
    headerLength = w.length - 8;
  } else {
    headerLength = w.utf8(encodeJsonHeader(cmd));
  }
  w.patchInt32(prefixAt, 4 + headerLength + bodyLength(cmd));
  w.patchInt32(prefixAt + 4, ((cmd.serializeType & 0xff) << 24) | (headerLength & 0x00ffffff));
  return w.flush();
}

/** The whole frame in one buffer: for tests and cold paths only. */
export function encodeFrame(cmd: RemotingCommand): Buffer {
  const head = encodeHead(cmd);
  if (cmd.bodyParts) return Buffer.concat([head, ...cmd.bodyParts]);
  return cmd.body ? Buffer.concat([head, cmd.body]) : head;
}
