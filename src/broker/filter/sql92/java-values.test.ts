import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Sql92EvaluationError,
  javaBooleanValueOf,
  javaCompare,
  javaDigit,
  javaDoubleCompare,
  javaInt,
  javaLong,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from './java-values';

function throwsNumberFormat(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof Sql92EvaluationError && /NumberFormatException/.test(e.message));
}

test('parseJavaInt is Integer.valueOf: sign, Unicode digits, no spaces, 32-bit range', () => {
  assert.is(parseJavaInt('5'), 5);
  assert.is(parseJavaInt('+5'), 5);
  assert.is(parseJavaInt('-0'), 0);
  assert.is(parseJavaInt('007'), 7);
  assert.is(parseJavaInt('2147483647'), 2147483647);
  assert.is(parseJavaInt('-2147483648'), -2147483648);
  assert.is(parseJavaInt('\u0663'), 3); // Arabic-Indic three
  assert.is(parseJavaInt('\uff11\uff12'), 12); // fullwidth digits
  for (const bad of ['', '+', '-', ' 5', '5 ', '5.0', '1e3', '2147483648', '-2147483649', 'abc', '0x10', '\ud835\udfce']) {
    throwsNumberFormat(() => parseJavaInt(bad));
  }
});

test('parseJavaLong is Long.valueOf over the 64-bit range', () => {
  assert.is(parseJavaLong('9223372036854775807'), 9223372036854775807n);
  assert.is(parseJavaLong('-9223372036854775808'), -9223372036854775808n);
  assert.is(parseJavaLong('00000000000000000000000001'), 1n);
  assert.is(parseJavaLong('9007199254740993'), 9007199254740993n); // beyond 2^53, still exact
  assert.is(parseJavaLong('+\u0663'), 3n);
  for (const bad of ['', '9223372036854775808', '-9223372036854775809', '1.0', ' 1', '1L']) {
    throwsNumberFormat(() => parseJavaLong(bad));
  }
});

test('parseJavaDouble is Double.valueOf: trimming, NaN/Infinity, suffixes, hex floats', () => {
  assert.is(parseJavaDouble('1.5'), 1.5);
  assert.is(parseJavaDouble(' \t7\n'), 7);
  assert.is(parseJavaDouble('.5'), 0.5);
  assert.is(parseJavaDouble('5.'), 5);
  assert.is(parseJavaDouble('-1e3'), -1000);
  assert.is(parseJavaDouble('1.5f'), 1.5);
  assert.is(parseJavaDouble('2D'), 2);
  assert.ok(Number.isNaN(parseJavaDouble('NaN')));
  assert.ok(Number.isNaN(parseJavaDouble('-NaN')));
  assert.is(parseJavaDouble('-Infinity'), -Infinity);
  assert.is(parseJavaDouble('1e400'), Infinity);
  assert.ok(Object.is(parseJavaDouble('-0.0'), -0));
  assert.is(parseJavaDouble('0x1.8p1'), 3);
  assert.is(parseJavaDouble('0X.8P1d'), 1);
  assert.is(parseJavaDouble('0x1p-1074'), Number.MIN_VALUE);
  assert.is(parseJavaDouble('0x1p-1075'), 0); // exactly half the smallest subnormal: ties to even
  assert.is(parseJavaDouble('0x1.000001p-1075'), Number.MIN_VALUE);
  assert.is(parseJavaDouble('0x1.fffffffffffff8p0'), 2); // tie, rounds to the even mantissa
  assert.is(parseJavaDouble('0x1.fffffffffffff7p0'), 2 - 2 ** -52);
  assert.is(parseJavaDouble('0x1p1024'), Infinity);
  for (const bad of ['', ' ', '.', '+', 'e5', '1e', '1e+', '1..5', '1.5.', '1.5ff', 'nan', 'infinity', '1_000', '0x1.8', '0x1.8p', '\u0663', '1,5']) {
    throwsNumberFormat(() => parseJavaDouble(bad));
  }
});

test('javaDigit follows Character.digit(ch, 10)', () => {
  assert.is(javaDigit(0x37), 7);
  assert.is(javaDigit(0x669), 9);
  assert.is(javaDigit(0x41), -1);
  assert.is(javaDigit(0xb2), -1); // superscript two is no decimal digit
});

test('javaBooleanValueOf: "true" in any case', () => {
  assert.ok(javaBooleanValueOf('true'));
  assert.ok(javaBooleanValueOf('TrUe'));
  for (const s of ['', 'yes', '1', ' true', 'truee']) assert.not.ok(javaBooleanValueOf(s));
});

test('javaDoubleCompare is Double.compare: -0.0 < 0.0 and NaN above everything', () => {
  assert.is(javaDoubleCompare(-0, 0), -1);
  assert.is(javaDoubleCompare(0, -0), 1);
  assert.is(javaDoubleCompare(NaN, NaN), 0);
  assert.is(javaDoubleCompare(NaN, Infinity), 1);
  assert.is(javaDoubleCompare(1, NaN), -1);
  assert.is(javaDoubleCompare(1, 2), -1);
});

test('javaCompare converts like __compare(lv, rv, true)', () => {
  assert.is(javaCompare('5', javaInt(5)), 0);
  assert.is(javaCompare(javaInt(5), '6'), -1);
  assert.is(javaCompare(javaInt(5), javaLong(3000000000n)), -1);
  assert.is(javaCompare(javaLong(9007199254740993n), javaLong(9007199254740992n)), 1);
  assert.is(javaCompare('yes', true), -1); // Boolean.valueOf("yes") = false < true
  assert.is(javaCompare(true, javaInt(1)), -1); // unrelated types answer -1
  assert.is(javaCompare(javaInt(1), true), -1);
  assert.throws(() => javaCompare(true, 'true'), (e: unknown) => e instanceof Sql92EvaluationError); // Java casts the Boolean to String
  assert.throws(() => javaCompare('5.0', javaInt(5)), (e: unknown) => e instanceof Sql92EvaluationError);
});

test.run();
