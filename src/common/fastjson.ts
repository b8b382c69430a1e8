/**
 * JSON as fastjson's pretty format writes RocketMQ's config files (STORE.md §13.1): tab indentation, properties in
 * alphabetical order, nulls left out, and the keys of numeric maps (a JS Map with number keys) written unquoted, as
 * in consumerOffset.json's `{0:250,1:250}`. Read such text back with parseLenientJson.
 */
export function toFastjsonPretty(value: unknown): string {
  return write(value, 0);
}

function indent(n: number): string {
  return '\t'.repeat(n);
}

function write(v: unknown, depth: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) || v instanceof Set) {
    const items = [...(v as Iterable<unknown>)];
    if (items.length === 0) return '[]';
    return `[\n${items.map((x) => indent(depth + 1) + write(x, depth + 1)).join(',\n')}\n${indent(depth)}]`;
  }
  if (v instanceof Map) {
    const entries = [...v.entries()].filter(([, x]) => x !== undefined && x !== null);
    if (entries.length === 0) return '{}';
    const key = (k: unknown) => (typeof k === 'number' ? String(k) : JSON.stringify(String(k)));
    return `{\n${entries.map(([k, x]) => `${indent(depth + 1)}${key(k)}:${write(x, depth + 1)}`).join(',\n')}\n${indent(depth)}}`;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined && obj[k] !== null).sort();
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${indent(depth + 1)}${JSON.stringify(k)}:${write(obj[k], depth + 1)}`).join(',\n')}\n${indent(depth)}}`;
}
