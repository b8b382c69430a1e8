import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sql92EvaluationError, compileSql92 } from './index';

/**
 * RocketMQ's evaluation rules, one readable example each. The exhaustive proof against Java is
 * sql92.vectors.test.ts; these say what the rules are.
 */
type Raw = boolean | null | 'throws';

function raw(expression: string, props: Record<string, string> = {}): Raw {
  try {
    return compileSql92(expression).evaluate(new Map(Object.entries(props)));
  } catch (e) {
    if (e instanceof Sql92EvaluationError) return 'throws';
    throw e;
  }
}

function matches(expression: string, props: Record<string, string> = {}): boolean {
  return compileSql92(expression).matches(new Map(Object.entries(props)));
}

test('a missing property is unknown in comparisons, IN and BETWEEN, and unknown never matches', () => {
  assert.is(raw("a = 'x'"), null);
  assert.is(raw("a <> 'x'"), null);
  assert.is(raw('a > 1'), null);
  assert.is(raw('a BETWEEN 1 AND 2'), null);
  assert.is(raw("a IN ('x')"), null);
  assert.is(raw("a NOT IN ('x')"), null);
  assert.is(raw("NOT (a = 'x')"), null);
  assert.is(raw('a IS NULL'), true);
  assert.is(raw('a IS NOT NULL'), false);
  assert.not.ok(matches("a <> 'x'"));
});

test('equality with the literal first: a missing property makes it FALSE, so <> becomes TRUE', () => {
  assert.is(raw("'x' = a"), false);
  assert.is(raw("'x' <> a"), true);
  assert.is(raw('a = b'), true); // two missing properties are equal (null == null)
});

test('the 5.x string operators are FALSE, never unknown, when the property is missing (NOT forms too)', () => {
  assert.is(raw("a CONTAINS 'x'"), false);
  assert.is(raw("a NOT CONTAINS 'x'"), false);
  assert.is(raw("NOT (a CONTAINS 'x')"), true);
  assert.is(raw("a NOT STARTSWITH ''", { a: 'abc' }), false); // an empty search string is always FALSE
  assert.is(raw("a ENDSWITH 'bc'", { a: 'abc' }), true);
});

test('AND / OR follow three-valued logic and evaluate left to right', () => {
  assert.is(raw("u = 'x' AND FALSE"), false);
  assert.is(raw("u = 'x' AND TRUE"), null);
  assert.is(raw("u = 'x' OR TRUE"), true);
  assert.is(raw("u = 'x' OR FALSE"), null);
});

test('a string property against a number literal is parsed as that literal type, or the evaluation throws', () => {
  assert.is(raw('a = 5', { a: '5' }), true);
  assert.is(raw('a = 5', { a: '+5' }), true);
  assert.is(raw('a = 5', { a: '5.0' }), 'throws'); // Integer.valueOf("5.0")
  assert.is(raw('a = 5.0', { a: '5' }), true); // Double.valueOf("5")
  assert.is(raw('a > 5', { a: '3000000000' }), 'throws'); // too big for the Integer literal's type
  assert.is(raw('a > 5', { a: 'abc' }), 'throws');
  assert.is(raw('a > 5.0', { a: 'NaN' }), true); // Double.compare puts NaN above everything
  assert.is(raw('a > 5.0', { a: ' 7 ' }), true); // Double.valueOf trims
  assert.is(raw('a > 5', { a: '\u0667' }), true); // Integer.valueOf reads Unicode digits
});

test('a throw ends the whole evaluation: no match, even if another OR branch is TRUE', () => {
  assert.not.ok(matches("a > 5 OR b = 'y'", { a: 'abc', b: 'y' }));
  assert.ok(matches("b = 'y' OR a > 5", { a: 'abc', b: 'y' })); // TRUE first: the right side is never reached
});

test('two string properties compared with > are both read as doubles', () => {
  assert.is(raw('a > b', { a: '10', b: '9' }), true);
  assert.is(raw('a > b', { a: '-0.0', b: '0.0' }), false);
  assert.is(raw('a > b', { a: 'x', b: '1' }), 'throws');
  assert.is(raw('a = b', { a: '1', b: '1.0' }), false); // = compares the strings
});

test('booleans: a property equals TRUE if it reads "true" in any case; the other way round Java throws', () => {
  assert.is(raw('a = TRUE', { a: 'TRUE' }), true);
  assert.is(raw('a = TRUE', { a: 'yes' }), false);
  assert.is(raw('TRUE = a', { a: 'true' }), 'throws');
});

test('a bare property is a condition that is FALSE when present, so NOT a matches when a is set', () => {
  assert.is(raw('a', { a: 'true' }), false);
  assert.is(raw('a'), null);
  assert.ok(matches('NOT a', { a: 'anything' }));
  assert.not.ok(matches('NOT a'));
});

test("NOT binds tighter than '=': NOT a = 'x' compares (NOT a) with 'x' and never matches", () => {
  assert.is(raw("NOT a = 'x'", { a: 'x' }), 'throws');
  assert.is(raw("NOT a = 'x'"), null);
  assert.is(raw("NOT (a = 'x')", { a: 'y' }), true);
});

test('large longs compare exactly, doubles compare as Java doubles', () => {
  assert.is(raw('a > 9007199254740992', { a: '9007199254740993' }), true);
  assert.is(raw('a > 9007199254740992.0', { a: '9007199254740993' }), false);
  assert.is(raw('a = 9223372036854775807', { a: '9223372036854775807' }), true);
  assert.is(raw('a = 9223372036854775807', { a: '9223372036854775808' }), 'throws');
});

test.run();
