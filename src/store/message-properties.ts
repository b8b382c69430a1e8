/**
 * The properties string of a message: `name 0x01 value 0x02` entries (MESSAGE.md §7). Writers choose whether the
 * last entry keeps its 0x02 (Java changed its mind twice); readers accept both.
 */
export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

export const MessageConst = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  WAIT: 'WAIT',
  DELAY: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QID: 'REAL_QID',
  TRAN_MSG: 'TRAN_MSG',
  PGROUP: 'PGROUP',
  UNIQ_KEY: 'UNIQ_KEY',
  CLUSTER: 'CLUSTER',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  MSG_REGION: 'MSG_REGION',
  TRACE_ON: 'TRACE_ON',
  KEY_SEPARATOR: ' ',
} as const;

/** Java's string2messageProperties (4.9.1+ rule): short or key-less or value-less segments are dropped; later keys win. */
export function parseProperties(s: string): Map<string, string> {
  const out = new Map<string, string>();
  let start = 0;
  const len = s.length;
  while (start < len) {
    let end = s.indexOf(PROPERTY_SEPARATOR, start);
    if (end < 0) end = len;
    if (end - start >= 3) {
      const kv = s.indexOf(NAME_VALUE_SEPARATOR, start);
      if (kv > start && kv < end - 1) out.set(s.slice(start, kv), s.slice(kv + 1, end));
    }
    start = end + 1;
  }
  return out;
}

/** Entries in map order, each closed by 0x02 unless `trailingSeparator` is false for the last one. */
export function formatProperties(props: Iterable<[string, string | undefined]>, trailingSeparator = true): string {
  let s = '';
  for (const [k, v] of props) {
    if (v === undefined || v === null) continue;
    s += k + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR;
  }
  return trailingSeparator || s.length === 0 ? s : s.slice(0, -1);
}
