import { ConfigError } from './errors';

/**
 * RocketMQ configs are flat objects of strings, numbers and booleans whose property names are the keys of the
 * .conf file (Java: MixAll.properties2Object). `applyProperties` sets each known key with the type of its default
 * and returns the unknown ones so the caller can log them; a bad value names the key and where it came from.
 * A `null` default is a Java String field that starts null: it takes any text, and while it stays null it is left
 * out of a config dump (MixAll.object2Properties skips nulls). Keys in `doubles` take decimals (Java double fields).
 */
export type ConfigValue = string | number | boolean | null;
export type ConfigObject = Record<string, ConfigValue>;

export function applyProperties<T extends ConfigObject>(target: T, props: Map<string, string>, source: string, doubles?: ReadonlySet<string>): string[] {
  const unknown: string[] = [];
  for (const [key, raw] of props) {
    if (!Object.prototype.hasOwnProperty.call(target, key)) {
      unknown.push(key);
      continue;
    }
    const type = doubles?.has(key) ? 'double' : typeof target[key];
    (target as ConfigObject)[key] = parseValue(key, raw.trim(), type, source);
  }
  return unknown;
}

function parseValue(key: string, raw: string, type: string, source: string): ConfigValue {
  if (type === 'number') {
    if (!/^[-+]?\d+$/.test(raw)) throw new ConfigError(`${source}: ${key}=${raw} is not an integer`);
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw new ConfigError(`${source}: ${key}=${raw} is out of range`);
    return n;
  }
  if (type === 'double') {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new ConfigError(`${source}: ${key}=${raw} is not a number`);
    return Number(raw);
  }
  if (type === 'boolean') {
    // Java's Boolean.parseBoolean would read a typo as false; an operator is better served by an error.
    const v = raw.toLowerCase();
    if (v !== 'true' && v !== 'false') throw new ConfigError(`${source}: ${key}=${raw} is not true or false`);
    return v === 'true';
  }
  return raw;
}

/** A double as Java's Double.toString writes one in the usual range: always with a fraction (1.0, 0.8). */
export function javaDoubleString(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}
