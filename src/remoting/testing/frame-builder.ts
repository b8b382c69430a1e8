/**
 * Builds frames byte by byte for tests, independently of command-codec.ts, so a codec bug cannot hide behind the
 * same bug in the expected bytes.
 */
export interface FrameSpec {
  type?: number;
  header: Buffer | string;
  body?: Buffer;
  /** Override the length prefix (to build broken frames). */
  totalLength?: number;
  /** Override the header length field. */
  headerLength?: number;
}

export function buildFrame(spec: FrameSpec): Buffer {
  const header = typeof spec.header === 'string' ? Buffer.from(spec.header, 'utf8') : spec.header;
  const body = spec.body ?? Buffer.alloc(0);
  const out = Buffer.alloc(8 + header.length + body.length);
  out.writeInt32BE(spec.totalLength ?? 4 + header.length + body.length, 0);
  out.writeUInt32BE((((spec.type ?? 0) & 0xff) << 24 >>> 0) + ((spec.headerLength ?? header.length) & 0xffffff), 4);
  header.copy(out, 8);
  body.copy(out, 8 + header.length);
  return out;
}

export function jsonFrame(header: Record<string, unknown>, body?: Buffer): Buffer {
  return buildFrame({ type: 0, header: JSON.stringify(header), ...(body ? { body } : {}) });
}

/** A ROCKETMQ binary header, field by field. */
export function binaryHeader(h: {
  code: number;
  language?: number;
  version?: number;
  opaque: number;
  flag?: number;
  remark?: string;
  ext?: Array<[string, string]>;
}): Buffer {
  const parts: Buffer[] = [];
  const fixed = Buffer.alloc(13);
  fixed.writeInt16BE(h.code, 0);
  fixed.writeInt8(h.language ?? 0, 2);
  fixed.writeInt16BE(h.version ?? 0, 3);
  fixed.writeInt32BE(h.opaque, 5);
  fixed.writeInt32BE(h.flag ?? 0, 9);
  parts.push(fixed);
  const remark = Buffer.from(h.remark ?? '', 'utf8');
  const rl = Buffer.alloc(4);
  rl.writeInt32BE(remark.length);
  parts.push(rl, remark);
  const entries: Buffer[] = [];
  for (const [k, v] of h.ext ?? []) {
    const kb = Buffer.from(k, 'utf8');
    const vb = Buffer.from(v, 'utf8');
    const e = Buffer.alloc(2 + kb.length + 4 + vb.length);
    e.writeInt16BE(kb.length, 0);
    kb.copy(e, 2);
    e.writeInt32BE(vb.length, 2 + kb.length);
    vb.copy(e, 6 + kb.length);
    entries.push(e);
  }
  const ext = Buffer.concat(entries);
  const el = Buffer.alloc(4);
  el.writeInt32BE(ext.length);
  parts.push(el, ext);
  return Buffer.concat(parts);
}

export { seededRandom } from '../../common/seeded-random';
