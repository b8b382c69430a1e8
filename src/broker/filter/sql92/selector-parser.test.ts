import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sql92ParseError, compileSql92 } from './index';

/** The error compileSql92 throws for `expression` (fails the test if it accepts it). */
function parseError(expression: string): Sql92ParseError {
  try {
    compileSql92(expression);
  } catch (e) {
    if (e instanceof Sql92ParseError) return e;
    throw e;
  }
  throw new Error(`accepted: ${JSON.stringify(expression)}`);
}

function assertError(expression: string, position: number, detail: string | RegExp): void {
  const e = parseError(expression);
  assert.is(e.position, position, `position of the error in ${JSON.stringify(expression)}: ${e.message}`);
  if (typeof detail === 'string') assert.is(e.detail, detail);
  else assert.match(e.detail, detail);
}

test('a parse error is an Error with a stable code, the position and a readable message', () => {
  const e = parseError("a = 'x' AND b >");
  assert.instance(e, Error);
  assert.is(e.name, 'Sql92ParseError');
  assert.is(e.code, 'TSMQ_ERR_SQL92_PARSE');
  assert.is(e.position, 15);
  assert.is(
    e.message,
    "Invalid SQL92 expression at position 15 (column 16): expected a value (a string, a number, TRUE, FALSE, NULL, a property name, '(', '+', '-' or NOT), found end of input",
  );
});

test('multi-line expressions report line and column', () => {
  const e = parseError("a = 'x'\nAND b @ 1");
  assert.is(e.position, 14);
  assert.match(e.message, /at position 14 \(line 2, column 7\): unexpected character '@'/);
});

test('syntax errors say what was expected and what was found', () => {
  assertError('', 0, /^expected a value .* found end of input$/);
  assertError('a = ', 4, /^expected a value .* found end of input$/);
  assertError("= 'x'", 0, /^expected a value .* found '='$/);
  assertError('a IS 5', 5, 'expected NULL or NOT NULL after IS, found number 5');
  assertError('a IS NOT 5', 9, 'expected NULL after IS NOT, found number 5');
  assertError('a IN ()', 6, "expected a string literal in the IN list, found ')'");
  assertError("a IN 'x'", 5, "expected '(' after IN, found string 'x'");
  assertError("a IN ('x' 'y')", 10, "expected ',' or ')' in the IN list, found string 'y'");
  assertError('a IN (1)', 6, 'expected a string literal in the IN list, found number 1');
  assertError('a BETWEEN 1 OR 2', 12, 'expected AND between the BETWEEN bounds, found keyword OR');
  assertError('a NOT x', 6, 'expected BETWEEN, IN, CONTAINS, STARTSWITH or ENDSWITH after NOT, found name x');
  assertError("(a = 'x'", 8, "expected ')', found end of input");
  assertError("a CONTAINS b", 11, 'expected a string literal after CONTAINS, found name b');
  assertError("contains = 'x'", 0, /^expected a value .* found keyword CONTAINS$/);
});

test('lexical errors name the character or the unfinished token', () => {
  assertError('a @ 1', 2, "unexpected character '@'");
  assertError("a != 'x'", 2, "unexpected character '!'");
  assertError('a = "x"', 4, `unexpected character '"'`);
  assertError("a = 'x", 4, 'unterminated string literal');
  assertError('a = 1 /* note', 6, 'unterminated comment: "/*" has no closing "*/"');
  assertError('a.b = 1', 1, "unexpected character '.'");
  assertError('\u0131 = 1', 0, "unexpected character '\u0131'");
  assertError('a\u00a0= 1', 1, "unexpected character '\u00a0'");
  assertError('a\u000b= 1', 1, 'unexpected character U+000B');
});

test("RocketMQ's semantic checks are parse errors too, at the operator", () => {
  assertError('a = NULL', 2, "NULL cannot be compared with '='; use IS NULL or IS NOT NULL");
  assertError('a <> NULL', 2, "NULL cannot be compared with '<>'; use IS NULL or IS NOT NULL");
  assertError('TRUE = 1', 5, 'TRUE cannot be compared with 1');
  assertError("a > 'x'", 2, "'x' cannot be compared with '>'; only numbers can");
  assertError('a > TRUE', 2, "TRUE cannot be compared with '>'; only numbers can");
  assertError('a > 1 > 2', 6, "a condition cannot be compared with '>'");
  assertError('NOT a > 1', 6, "a condition cannot be compared with '>'");
  assertError('a BETWEEN 10 AND 1', 2, 'BETWEEN lower bound 10 is greater than upper bound 1');
  assertError('a BETWEEN NULL AND 1', 2, 'BETWEEN bounds cannot be NULL');
  assertError("5 IN ('5')", 2, 'IN needs a property name on its left, not 5');
  assertError("NOT a IN ('x')", 6, 'IN needs a property name on its left, not a condition');
  assertError('5', 0, 'expected a condition, but 5 does not result in a boolean value');
  assertError('-a', 0, "expected a condition, but a negation ('-') does not result in a boolean value");
  assertError('a AND 5', 2, 'expected a condition, but 5 does not result in a boolean value');
  assertError('a = 9223372036854775808', 4, 'integer 9223372036854775808 is out of the long range (max 9223372036854775807)');
  assertError('a = 1e400', 4, 'decimal number 1e400 is above the double range');
  assertError('a = 0.0', 4, /^decimal number 0\.0 is below Double\.MIN_VALUE/);
});

test('accepted as RocketMQ accepts them: keywords in any case, comments, input after a complete expression', () => {
  for (const ok of [
    "a = 'x' and B is not null",
    "/* c */ a = 'x' -- note\n",
    "a = 'x' -- a trailing comment without a line break is a '-' that is never read",
    "a = 'x' xyz", // the parser stops after a complete expression; the next token is read but ignored
    "a LIKE 'x%'", // LIKE is no keyword: this is the bare property a, then ignored input
    'a BETWEEN -1 AND -5', // negative bounds are negations, not literals, so their order is not checked
    "a NOT BETWEEN 10 AND 1",
    "a CONTAINS 'x' AND b NOT STARTSWITH 'y' OR c ENDSWITH 'z'",
  ]) {
    assert.is(compileSql92(ok).expression, ok);
  }
});

test.run();
