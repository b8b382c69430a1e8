/**
 * The Java values a RocketMQ SQL92 expression computes with, and the conversions and comparisons the filter
 * applies to them. RocketMQ's filter (org.apache.rocketmq.filter.expression) works on boxed Java objects; an
 * expression only ever sees these:
 *
 *   null     a missing property, the NULL literal, or "unknown" from a boolean operator
 *   string   a property value (every message property is a String) or a string literal
 *   boolean  TRUE / FALSE, or the result of a boolean operator
 *   number   a numeric literal: Integer, Long or Double (see JavaNumber)
 *
 * Conversions reproduce Integer.valueOf, Long.valueOf, Double.valueOf and Boolean.valueOf exactly, including
 * their odd corners (Unicode digits for integers, "NaN", hex floats and a trailing 'd' for doubles), because a
 * property such as "٣" or " 7 " matches or not depending on them.
 */

/** A numeric literal with the Java box class the parser gave it (ConstantExpression#createFromDecimal/createFloat). */
export type JavaNumber =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'long'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number };

export type JavaValue = null | string | boolean | JavaNumber;

/**
 * Thrown while evaluating, where Java throws (a NumberFormatException wrapped in a RuntimeException, or a
 * ClassCastException). The broker catches every Throwable from evaluate() and treats the message as not matched
 * (ExpressionMessageFilter#isMatchedByCommitLog), so the exception ends the whole evaluation, not one operand.
 */
export class Sql92EvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Sql92EvaluationError';
  }
}

/**
 * A Sql92EvaluationError without a stack trace. Such errors are expected per message (a property that is no
 * number), and capturing a stack costs microseconds, many times the evaluation itself; the trace would only
 * point into this module anyway.
 */
export function evaluationError(message: string): Sql92EvaluationError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Sql92EvaluationError(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
export const LONG_MIN = -(1n << 63n);
export const LONG_MAX = (1n << 63n) - 1n;

export function javaInt(value: number): JavaNumber {
  return { kind: 'int', value };
}

export function javaLong(value: bigint): JavaNumber {
  return { kind: 'long', value };
}

export function javaDouble(value: number): JavaNumber {
  return { kind: 'double', value };
}

export function isJavaNumber(v: JavaValue): v is JavaNumber {
  return v !== null && typeof v === 'object';
}

/** Java's own spelling of a value, for error messages (ConstantExpression#toString). */
export function describeJavaValue(v: JavaValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  return String(v.value);
}

// ---------------------------------------------------------------------------------------------------------------
// String -> number conversions (Integer.valueOf, Long.valueOf, Double.valueOf, Boolean.valueOf)
// ---------------------------------------------------------------------------------------------------------------

/**
 * The first code unit of each run of ten decimal digits that Java's Character.digit(char, 10) accepts. Generated
 * with JDK 17 (every BMP char whose digit value is 0; each run holds exactly 0..9, 370 chars in all). Integer and
 * Long parsing accept these, so "٣" (Arabic-Indic three) is the integer 3 to RocketMQ.
 */
const UNICODE_DIGIT_ZEROS = [
  0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20,
  0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
  0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
];

/** Java: Character.digit(ch, 10) for one UTF-16 code unit; -1 when it is no decimal digit. */
export function javaDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code < 0x660) return -1;
  for (const zero of UNICODE_DIGIT_ZEROS) {
    if (code >= zero && code < zero + 10) return code - zero;
  }
  return -1;
}

function numberFormat(s: string): Sql92EvaluationError {
  return evaluationError(`java.lang.NumberFormatException: For input string: "${s}"`);
}

/** Java: Integer.valueOf(String): optional sign, then Character.digit digits; no spaces; overflow is an error. */
export function parseJavaInt(s: string): number {
  const len = s.length;
  if (len === 0) throw numberFormat(s);
  let i = 0;
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    if (len === 1) throw numberFormat(s);
    i = 1;
  }
  const limit = negative ? 2147483648 : INT_MAX;
  let result = 0;
  for (; i < len; i++) {
    const d = javaDigit(s.charCodeAt(i));
    if (d < 0) throw numberFormat(s);
    result = result * 10 + d;
    if (result > limit) throw numberFormat(s);
  }
  return negative ? -result : result;
}

/** Java: Long.valueOf(String), same rules as parseJavaInt over the 64-bit range. */
export function parseJavaLong(s: string): bigint {
  const len = s.length;
  if (len === 0) throw numberFormat(s);
  let i = 0;
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    if (len === 1) throw numberFormat(s);
    i = 1;
  }
  // Up to 15 digits the value is exact in a double; longer inputs go through BigInt.
  let small = 0;
  let digits = '';
  for (let k = i; k < len; k++) {
    const d = javaDigit(s.charCodeAt(k));
    if (d < 0) throw numberFormat(s);
    if (len - i <= 15) small = small * 10 + d;
    else digits += String.fromCharCode(0x30 + d);
  }
  const magnitude = len - i <= 15 ? BigInt(small) : BigInt(digits);
  const value = negative ? -magnitude : magnitude;
  if (value < LONG_MIN || value > LONG_MAX) throw numberFormat(s);
  return value;
}

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isAsciiDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isDoubleSuffix(c: number): boolean {
  return c === 0x66 || c === 0x46 || c === 0x64 || c === 0x44; // f F d D
}

/**
 * Java: Double.valueOf(String) (FloatingDecimal#readJavaFormatString): trims chars <= ' ', then an optional
 * sign and "NaN", "Infinity", a hex float (0x1.8p1) or a decimal with optional fraction and exponent and an
 * optional f/F/d/D suffix. The decimal value itself is read by Number(), which rounds correctly like Java.
 */
export function parseJavaDouble(s: string): number {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  if (start === end) throw numberFormat(s);
  let i = start;
  const sign = s.charCodeAt(i);
  const negative = sign === 0x2d;
  if (sign === 0x2d || sign === 0x2b) i++;
  if (i === end) throw numberFormat(s);
  const c = s.charCodeAt(i);
  if (c === 0x4e /* N */) {
    if (end - i === 3 && s.startsWith('NaN', i)) return NaN;
    throw numberFormat(s);
  }
  if (c === 0x49 /* I */) {
    if (end - i === 8 && s.startsWith('Infinity', i)) return negative ? -Infinity : Infinity;
    throw numberFormat(s);
  }
  if (c === 0x30 && i + 1 < end && (s.charCodeAt(i + 1) | 0x20) === 0x78 /* x */) {
    return parseHexDouble(s, i + 2, end, negative);
  }
  const numberEnd = scanDecimalFloat(s, i, end);
  if (numberEnd < 0) throw numberFormat(s);
  // Number() reads the sign too; without surrounding spaces or a suffix the string needs no copy.
  return Number(start === 0 && numberEnd === s.length ? s : s.slice(start, numberEnd));
}

/** The end of a decimal float starting at i (before a suffix), or -1 if s[i, end) is not one. */
function scanDecimalFloat(s: string, i: number, end: number): number {
  let digits = 0;
  let j = i;
  while (j < end && isAsciiDigit(s.charCodeAt(j))) {
    j++;
    digits++;
  }
  if (j < end && s.charCodeAt(j) === 0x2e) {
    j++;
    while (j < end && isAsciiDigit(s.charCodeAt(j))) {
      j++;
      digits++;
    }
  }
  if (digits === 0) return -1;
  if (j < end && (s.charCodeAt(j) | 0x20) === 0x65 /* e */) {
    j++;
    if (j < end && (s.charCodeAt(j) === 0x2b || s.charCodeAt(j) === 0x2d)) j++;
    const expStart = j;
    while (j < end && isAsciiDigit(s.charCodeAt(j))) j++;
    if (j === expStart) return -1;
  }
  if (j === end) return end;
  return j === end - 1 && isDoubleSuffix(s.charCodeAt(j)) ? j : -1;
}

/**
 * Java: FloatingDecimal#parseHexString, the whole (trimmed) input matching
 * [-+]?0[xX](hex+ '.'? | hex* '.' hex+)[pP][-+]?digit+[fFdD]? — rounded to nearest, ties to even.
 */
function parseHexDouble(s: string, i: number, end: number, negative: boolean): number {
  let mantissa = '';
  let fractionDigits = 0;
  let seenPoint = false;
  let j = i;
  for (; j < end; j++) {
    const c = s.charCodeAt(j);
    if (isHexDigit(c)) {
      mantissa += s[j];
      if (seenPoint) fractionDigits++;
    } else if (c === 0x2e && !seenPoint) {
      seenPoint = true;
    } else {
      break;
    }
  }
  if (mantissa.length === 0 || j === end || (s.charCodeAt(j) | 0x20) !== 0x70 /* p */) throw numberFormat(s);
  j++;
  let expNegative = false;
  if (j < end && (s.charCodeAt(j) === 0x2b || s.charCodeAt(j) === 0x2d)) {
    expNegative = s.charCodeAt(j) === 0x2d;
    j++;
  }
  const expStart = j;
  while (j < end && isAsciiDigit(s.charCodeAt(j))) j++;
  if (j === expStart) throw numberFormat(s);
  if (j < end && !(j === end - 1 && isDoubleSuffix(s.charCodeAt(j)))) throw numberFormat(s);
  // An exponent beyond 2^31 decides the result alone (Java returns infinity or zero for it); clamp it to a
  // size that still does so after the mantissa's own scale is added.
  const rawExp = clampedDecimal(s, expStart, j, 1e9);
  const exponent = (expNegative ? -rawExp : rawExp) - 4 * fractionDigits;
  const value = scaleBinary(BigInt('0x' + mantissa), exponent);
  return negative ? -value : value;
}

/** The ASCII digits s[from, to) as a number, capped at max. */
function clampedDecimal(s: string, from: number, to: number, max: number): number {
  let v = 0;
  for (let k = from; k < to && v <= max; k++) v = v * 10 + (s.charCodeAt(k) - 0x30);
  return Math.min(v, max);
}

/** mantissa * 2^exponent rounded to the nearest double, ties to even (IEEE 754 default rounding). */
function scaleBinary(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) return 0;
  const bits = mantissa.toString(2).length;
  const top = bits - 1 + exponent;
  if (top > 1100) return Infinity;
  if (top < -1200) return 0;
  const lsb = Math.max(-1074, top - 52);
  const shift = lsb - exponent;
  if (shift <= 0) return Number(mantissa) * 2 ** exponent;
  const big = BigInt(shift);
  let q = mantissa >> big;
  const rem = mantissa - (q << big);
  const half = 1n << (big - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  return Number(q) * 2 ** lsb;
}

/** Java: Boolean.valueOf(String): "true" in any (ASCII) case is true, everything else false. */
export function javaBooleanValueOf(s: string): boolean {
  return (
    s.length === 4 &&
    (s.charCodeAt(0) | 0x20) === 0x74 &&
    (s.charCodeAt(1) | 0x20) === 0x72 &&
    (s.charCodeAt(2) | 0x20) === 0x75 &&
    (s.charCodeAt(3) | 0x20) === 0x65
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Comparisons (ComparisonExpression#__compare with convertStringExpressions = true, and compareTo of each box)
// ---------------------------------------------------------------------------------------------------------------

/** Java: Double.compare: -0.0 < 0.0, and NaN is equal to itself and greater than everything else. */
export function javaDoubleCompare(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) {
    if (a !== 0) return 0;
    const aNeg = Object.is(a, -0);
    const bNeg = Object.is(b, -0);
    return aNeg === bNeg ? 0 : aNeg ? -1 : 1;
  }
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
}

/** Integer/Long compareTo, exact across number and bigint. */
export function compareIntegral(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Java: Boolean.compareTo: false < true. */
export function compareBooleans(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? 1 : -1;
}

/** Java: String.compareTo, UTF-16 code unit order (what JavaScript's < does). */
export function compareStrings(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function toDouble(n: JavaNumber): number {
  return n.kind === 'long' ? Number(n.value) : n.value;
}

/** Two numbers of possibly different boxes, widened as __compare does: int -> long -> double. */
export function compareNumbers(a: JavaNumber, b: JavaNumber): number {
  if (a.kind === 'double' || b.kind === 'double') return javaDoubleCompare(toDouble(a), toDouble(b));
  return compareIntegral(a.value, b.value);
}

/** A string converted to the box of the number it is compared with (Integer/Long/Double.valueOf). */
export function parseAs(kind: JavaNumber['kind'], s: string): JavaNumber {
  if (kind === 'int') return javaInt(parseJavaInt(s));
  if (kind === 'long') return javaLong(parseJavaLong(s));
  return javaDouble(parseJavaDouble(s));
}

/**
 * Java: ComparisonExpression#__compare(lv, rv, true), both non-null. Mixed boxes are converted toward the
 * right-hand or the wider type; a string meeting a number is parsed as that number's box (and throws if it does
 * not parse); a Boolean on the left meeting a String throws ClassCastException (Java casts the wrong operand);
 * any other mismatch (a boolean against a number) answers -1.
 */
export function javaCompare(lv: Exclude<JavaValue, null>, rv: Exclude<JavaValue, null>): number {
  if (typeof lv === 'string') {
    if (typeof rv === 'string') return compareStrings(lv, rv);
    if (typeof rv === 'boolean') return compareBooleans(javaBooleanValueOf(lv), rv);
    return compareNumbers(parseAs(rv.kind, lv), rv);
  }
  if (typeof lv === 'boolean') {
    if (typeof rv === 'boolean') return compareBooleans(lv, rv);
    if (typeof rv === 'string') {
      throw evaluationError('java.lang.ClassCastException: class java.lang.Boolean cannot be cast to class java.lang.String');
    }
    return -1;
  }
  if (typeof rv === 'string') return compareNumbers(lv, parseAs(lv.kind, rv));
  if (typeof rv === 'boolean') return -1;
  return compareNumbers(lv, rv);
}
