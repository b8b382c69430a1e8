import { ByteReader } from './byte-reader';
import { ProtocolError } from './errors';
import { ByteWriter } from './byte-writer';
import { LANGUAGE_NAMES, UNKNOWN_LANGUAGE } from './language-code';
import type { ExtFields } from './remoting-command';
import type { HeaderFields } from './header-json';

/**
 * The ROCKETMQ binary header (serializeType 1), RocketMQSerializable:
 * code i16 | language i8 | version i16 | opaque i32 | flag i32 | remarkLen i32, remark | extLen i32, entries
 * where each entry is keyLen i16, key, valLen i32, value. Since 4.9.4 a zero-length string decodes as null, so an
 * entry with an empty key or value is as good as absent; we drop it the same way.
 */

export function writeRocketMqHeader(w: ByteWriter, cmd: HeaderFields): void {
  w.int16(cmd.code).int8(cmd.language < 0 ? 0 : cmd.language).int16(cmd.version).int32(cmd.opaque).int32(cmd.flag);
  const remarkAt = w.reserve(4);
  w.patchInt32(remarkAt, cmd.remark ? w.utf8(cmd.remark) : 0);
  const extAt = w.reserve(4);
  const extStart = w.length;
  const ext = cmd.extFields;
  if (ext) {
    for (const k in ext) {
      const v = ext[k];
      if (v === undefined || v === null) continue;
      const keyAt = w.reserve(2);
      w.patchInt16(keyAt, w.utf8(k));
      const valAt = w.reserve(4);
      w.patchInt32(valAt, w.utf8(v));
    }
  }
  w.patchInt32(extAt, w.length - extStart);
}

export function decodeRocketMqHeader(buf: Buffer, start: number, end: number): HeaderFields {
  const r = new ByteReader(buf, start, end);
  const code = r.int16();
  const langByte = r.int8();
  const h: HeaderFields = {
    code,
    language: LANGUAGE_NAMES[langByte] !== undefined ? langByte : UNKNOWN_LANGUAGE,
    version: r.int16(),
    opaque: r.int32(),
    flag: r.int32(),
  };
  const remarkLen = r.int32();
  if (remarkLen > 0) h.remark = r.utf8(remarkLen, 'remark');
  else if (remarkLen < 0) throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', `negative remark length ${remarkLen}`);
  const extLen = r.int32();
  if (extLen > 0) {
    const ext: ExtFields = {};
    const extEnd = r.offset + extLen;
    if (extEnd > end) throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', `extFields length ${extLen} runs past the header end`);
    while (r.offset < extEnd) {
      const key = r.utf8(r.int16(), 'extFields key');
      const value = r.utf8(r.int32(), 'extFields value');
      if (key !== '' && value !== '') ext[key] = value;
    }
    if (r.offset !== extEnd) throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', 'an extFields entry runs past the extFields block');
    h.extFields = ext;
  } else if (extLen < 0) {
    throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', `negative extFields length ${extLen}`);
  }
  return h;
}
