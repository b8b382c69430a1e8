import { ProtocolError } from './errors';
import { LanguageCode, LANGUAGE_NAMES, UNKNOWN_LANGUAGE, languageCodeOf } from './language-code';
import type { ExtFields, RemotingCommand } from './remoting-command';

/**
 * The JSON header (serializeType 0), as fastjson writes it: compact, keys in alphabetical order, nulls left out,
 * extFields in the map's own order. Java parses leniently (numbers as strings, unknown keys, non-string extFields
 * values), and so do we: REMOTING.md §5.3.
 */

export type HeaderFields = Pick<RemotingCommand, 'code' | 'language' | 'version' | 'opaque' | 'flag' | 'remark' | 'extFields'>;

export function encodeJsonHeader(cmd: HeaderFields): string {
  let s = '{"code":' + cmd.code;
  const ext = cmd.extFields;
  if (ext) {
    s += ',"extFields":{';
    let first = true;
    for (const k in ext) {
      const v = ext[k];
      if (v === undefined || v === null) continue;
      s += (first ? '' : ',') + jsonString(k) + ':' + jsonString(v);
      first = false;
    }
    s += '}';
  }
  const lang = LANGUAGE_NAMES[cmd.language] ?? 'JAVA';
  s += ',"flag":' + cmd.flag + ',"language":"' + lang + '","opaque":' + cmd.opaque;
  if (cmd.remark !== undefined) s += ',"remark":' + jsonString(cmd.remark);
  s += ',"serializeTypeCurrentRPC":"JSON","version":' + cmd.version + '}';
  return s;
}

/** JSON string literal with fastjson's escapes: control characters and DEL..NBSP as \uXXXX, the rest raw UTF-8. */
export function jsonString(v: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f"\\\u007f-\u00a0\u2028\u2029\ud800-\udfff]/.test(v)) return '"' + v + '"';
  let out = '"';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0)) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    else out += v[i];
  }
  return out + '"';
}

function toInt32(v: unknown, key: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
    throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', `JSON header field ${key} is not an int32: ${JSON.stringify(v)}`);
  }
  return n;
}

function toLanguage(v: unknown): number {
  if (v === undefined || v === null) return LanguageCode.JAVA;
  if (typeof v === 'number') return LANGUAGE_NAMES[v] !== undefined ? v : UNKNOWN_LANGUAGE;
  if (typeof v === 'string') return languageCodeOf(v);
  return UNKNOWN_LANGUAGE;
}

export function decodeJsonHeader(buf: Buffer, start: number, end: number): HeaderFields {
  let obj: unknown;
  try {
    obj = JSON.parse(buf.toString('utf8', start, end));
  } catch (e) {
    throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', `JSON header does not parse: ${(e as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', 'JSON header is not an object');
  }
  const o = obj as Record<string, unknown>;
  const h: HeaderFields = {
    code: toInt32(o.code, 'code', 0),
    language: toLanguage(o.language),
    version: toInt32(o.version, 'version', 0),
    opaque: toInt32(o.opaque, 'opaque', 0),
    flag: toInt32(o.flag, 'flag', 0),
  };
  const remark = o.remark;
  if (remark !== undefined && remark !== null) h.remark = typeof remark === 'string' ? remark : String(remark);
  const ext = o.extFields;
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'object' || Array.isArray(ext)) {
      throw new ProtocolError('TSMQ_ERR_HEADER_DECODE', 'JSON header extFields is not an object');
    }
    h.extFields = asStringFields(ext as Record<string, unknown>);
  }
  return h;
}

/**
 * extFields as a map of strings. Clients send strings only, so the parsed object is normally used as it is; a copy
 * is made only when some value is not a string (a lenient peer's number, null or nested object).
 */
function asStringFields(ext: Record<string, unknown>): ExtFields {
  let clean = true;
  for (const k in ext) {
    if (typeof ext[k] !== 'string') {
      clean = false;
      break;
    }
  }
  if (clean) return ext as ExtFields;
  const fields: ExtFields = {};
  for (const k in ext) {
    const v = ext[k];
    if (v === null || v === undefined) continue;
    fields[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return fields;
}
