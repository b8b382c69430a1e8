import { ResponseError } from '../errors';
import { ResponseCode } from '../response-code';
import type { ExtFields } from '../remoting-command';

/**
 * Typed reads of extFields, with Java's parse rules (REMOTING.md §8). Java does not enforce @CFNotNull; a missing
 * field that the handler needs ends in a NullPointerException and SYSTEM_ERROR. We answer the same code with a
 * remark that names the field.
 */

function missing(name: string): ResponseError {
  return new ResponseError(ResponseCode.SYSTEM_ERROR, `the custom field <${name}> is null`);
}

export function requiredString(ext: ExtFields | undefined, name: string): string {
  const v = ext?.[name];
  if (v === undefined) throw missing(name);
  return v;
}

export function optionalString(ext: ExtFields | undefined, name: string): string | undefined {
  return ext?.[name];
}

function parseIntStrict(v: string, name: string, min: number, max: number): number {
  if (!/^[-+]?\d+$/.test(v.trim())) throw new ResponseError(ResponseCode.SYSTEM_ERROR, `the custom field <${name}> is not a number: ${v}`);
  const n = Number(v.trim());
  if (n < min || n > max) throw new ResponseError(ResponseCode.SYSTEM_ERROR, `the custom field <${name}> is out of range: ${v}`);
  return n;
}

export function requiredInt(ext: ExtFields | undefined, name: string): number {
  return parseIntStrict(requiredString(ext, name), name, -2147483648, 2147483647);
}

export function optionalInt(ext: ExtFields | undefined, name: string): number | undefined {
  const v = ext?.[name];
  return v === undefined ? undefined : parseIntStrict(v, name, -2147483648, 2147483647);
}

/**
 * A Java long as a JS number: offsets, counters and millisecond times stay far below 2^53. Values beyond that are
 * clamped to ±(2^53 - 1) instead of refused, because clients use Long.MAX_VALUE as "no upper bound" (the end of a
 * key query, for one), and any such bound is equally far away as a number.
 */
function parseLong(v: string, name: string): number {
  const t = v.trim();
  if (!/^[-+]?\d+$/.test(t)) throw new ResponseError(ResponseCode.SYSTEM_ERROR, `the custom field <${name}> is not a number: ${v}`);
  const n = Number(t);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(t);
  if (big > BigInt('9223372036854775807') || big < BigInt('-9223372036854775808')) {
    throw new ResponseError(ResponseCode.SYSTEM_ERROR, `the custom field <${name}> is out of range: ${v}`);
  }
  return big > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

export function requiredLong(ext: ExtFields | undefined, name: string): number {
  return parseLong(requiredString(ext, name), name);
}

export function optionalLong(ext: ExtFields | undefined, name: string): number | undefined {
  const v = ext?.[name];
  return v === undefined ? undefined : parseLong(v, name);
}

/** Boolean.parseBoolean: "true" in any case is true, anything else false; absent stays undefined. */
export function optionalBool(ext: ExtFields | undefined, name: string): boolean | undefined {
  const v = ext?.[name];
  return v === undefined ? undefined : v.toLowerCase() === 'true';
}
