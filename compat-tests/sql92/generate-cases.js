#!/usr/bin/env node
'use strict';
/**
 * Writes cases.json: SQL92 filter expressions crossed with message property maps, for the Java oracle
 * (Sql92Oracle) to answer and for tsmq's src/broker/filter/sql92/sql92.vectors.test.ts to check against those
 * answers. Deterministic: the same file every run, so a diff of cases.json shows what changed.
 *
 *   node compat-tests/sql92/generate-cases.js > compat-tests/sql92/cases.json
 *   SQL92_FUZZ=20000 node compat-tests/sql92/generate-cases.js > ...   # more seeded random expressions
 *
 * Hand-written groups cover each operator and conversion rule; the 'fuzz' groups add seeded random expressions
 * (grammar-shaped ones, some mutated, and raw character soup for the lexer), SQL92_FUZZ of each (default 150).
 * Each case: { id, group, expression, properties } where properties maps names to string values (a message's
 * properties are always strings; a missing name is a missing property).
 */

const cases = [];
const counters = new Map();

/** Adds `expression` once per property map. */
function add(group, expression, propertyMaps = [{}]) {
  for (const properties of propertyMaps) {
    const n = (counters.get(group) ?? 0) + 1;
    counters.set(group, n);
    cases.push({ id: `${group}-${String(n).padStart(3, '0')}`, group, expression, properties });
  }
}

/** Maps giving property `name` each value, plus one map without it. */
function values(name, list) {
  return [{}, ...list.map((v) => ({ [name]: v }))];
}

// Property values that exercise Integer/Long/Double.valueOf and Boolean.valueOf.
const NUMERIC_STRINGS = [
  '5', '4', '6', '-5', '+5', '00005', '-0', '5.0', '5.5', '4.9', '1e1', '.5', '5.', ' 5', '5 ', '', 'abc', 'NaN',
  'Infinity', '-Infinity', '2147483647', '2147483648', '-2147483648', '-2147483649', '3000000000',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '\u0663', '\uff15', '0x10', '0x1p3',
  '1.5f', '5d', '1_000', 'true',
];
const SHORT_NUMERIC_STRINGS = ['5', '-5', '15', '0.5', '-3000000000', '-3000000001', 'abc', '', '5.0', '15.0'];

// ------------------------------------------------------------------------------------------- comparisons
for (const op of ['=', '<>', '>', '>=', '<', '<=']) {
  for (const lit of ['5', '5.0', '3000000000']) add('cmp', `a ${op} ${lit}`, values('a', NUMERIC_STRINGS));
  for (const lit of ['-5', '-3000000000', '1.5e1', '.5', '5.']) add('cmp', `a ${op} ${lit}`, values('a', SHORT_NUMERIC_STRINGS));
  add('cmp-rev', `5 ${op} a`, values('a', ['4', '5', '6', 'abc', '5.0']));
  add('cmp-rev', `5.5 ${op} a`, values('a', ['4', '5.5', '6', 'abc', 'NaN']));
  add('cmp-rev', `3000000000 ${op} a`, values('a', ['2999999999', '3000000000', '3000000001', '1.0']));
  add('cmp-const', `5 ${op} 5`);
  add('cmp-const', `5 ${op} 5.0`);
  add('cmp-const', `3000000000 ${op} 5`);
  add('cmp-const', `-5 ${op} 5`);
  add('cmp-props', `a ${op} b`, [
    {}, { b: '1' }, { a: '1' }, { a: '1', b: '1' }, { a: '1', b: '1.0' }, { a: '2', b: '10' }, { a: 'abc', b: 'abd' },
    { a: 'abc', b: '1' }, { a: '-0.0', b: '0.0' }, { a: 'NaN', b: 'NaN' }, { a: 'NaN', b: '1' }, { a: '1e3', b: '999' },
    { a: ' 5', b: '5' }, { a: 'x', b: 'x' },
  ]);
}
for (const op of ['=', '<>']) {
  for (const lit of ["'abc'", "''", "'ABC'", "'5'", 'TRUE', 'FALSE']) {
    add('eq-str', `a ${op} ${lit}`, values('a', ['abc', 'ABC', '', '5', '5.0', 'true', 'TRUE', 'false', 'yes', ' abc']));
    add('eq-str-rev', `${lit} ${op} a`, values('a', ['abc', '', '5', 'true', 'false']));
  }
  add('eq-bool', `TRUE ${op} FALSE`);
  add('eq-bool', `TRUE ${op} TRUE`);
  add('eq-bool', `1 ${op} TRUE`);
  add('eq-bool', `'true' ${op} TRUE`);
  add('eq-bool', `(a = 'x') ${op} TRUE`, values('a', ['x', 'y']));
  add('eq-bool', `TRUE ${op} (a = 'x')`, values('a', ['x', 'y']));
  add('eq-bool', `(a = 'x') ${op} (b = 'y')`, [{}, { a: 'x' }, { a: 'x', b: 'y' }, { a: 'z', b: 'z' }]);
  add('eq-bool', `(a = 'x') ${op} 'true'`, values('a', ['x', 'y']));
  add('eq-bool', `'true' ${op} (a = 'x')`, values('a', ['x', 'y']));
  add('eq-bool', `(a = 'x') ${op} 1`, values('a', ['x']));
}

// ------------------------------------------------------------------------------------------- big numbers, doubles
add('big', 'a = 9223372036854775807', values('a', ['9223372036854775807', '9223372036854775806', '9223372036854775808']));
add('big', 'a = 9223372036854775807L', values('a', ['9223372036854775807']));
add('big', 'a > 9007199254740992', values('a', ['9007199254740993', '9007199254740992', '9007199254740991']));
add('big', 'a = 9007199254740993', values('a', ['9007199254740992', '9007199254740993']));
add('big', 'a > 9007199254740992.0', values('a', ['9007199254740993', '9007199254740994']));
add('big', 'a = 3000000000', values('a', ['3000000000.0', '3000000000', '+3000000000', '\u0663000000000']));
add('big', 'a < -3000000000', values('a', ['-3000000001', '-3000000000', '-9223372036854775808']));
add('big', 'a = 2147483648', values('a', ['2147483648', '-2147483648']));
add('big', 'a = -2147483648', values('a', ['-2147483648']));
add('big', 'a = 2147483647', values('a', ['2147483647', '2147483647.0']));
add('big', 'a = 1', values('a', ['1', '1.0', '01', '1L']));
add('big', 'a = 1.0', values('a', ['1', '1.0', '1e0', '0.1e1', '1d', '1F', '1.0D', '1.0x']));
add('double', 'a = 3.0', values('a', ['0x1.8p1', '0X1.8P1', '0x.cp2', '0x3p0d', '0x1.8p', '0x1.8', '-0x1.8p1', ' 0x1.8p1 ']));
add('double', 'a = 2.0', values('a', ['0x1.fffffffffffff8p0', '0x1.fffffffffffff7p0', '0x1.fffffffffffff9p0']));
add('double', 'a < 2.0', values('a', ['0x1.fffffffffffff8p0', '0x1.fffffffffffff7p0', '1.99999999999999999999']));
add('double', 'a = 4.9e-324', values('a', ['0x1p-1074', '0x1p-1075', '0x1.000001p-1075', '4.9e-324', '3e-324', '2e-324']));
add('double', 'a < 4.9e-324', values('a', ['0x1p-1075', '1e-400', '-0.0', '0', 'NaN', '-NaN']));
add('double', 'a > 1.7976931348623157e308', values('a', ['0x1p1024', '1e309', 'Infinity', '+Infinity', 'NaN', '1.7976931348623157e308']));
add('double', 'a >= 1.5', values('a', ['1.5', '\t1.5\n', '\u00a01.5', '1.5e', '1.5e+', '1.5e+0', '1.5E-0', '15e-1', '1..5', '1.5.', '+.15e1']));
add('double', 'a = 0.1', values('a', ['0.1', '0.10000000000000001', '0.1000000000000001', '1e-1', '.1f']));

// ------------------------------------------------------------------------------------------- BETWEEN
const BETWEEN_VALUES = ['0', '1', '5', '10', '11', '1.5', '10.5', 'abc', '-5', '3500000000', ''];
for (const not of ['', 'NOT ']) {
  for (const range of ['1 AND 10', '1 AND 10.5', '-10 AND -1', '5 AND 5', '3000000000 AND 4000000000', '1.5 AND 2.5', '-1 AND -5', '10 AND 1']) {
    const expr = `a ${not}BETWEEN ${range}`;
    if (!not && range === '10 AND 1') continue; // a parse error, listed below
    add('between', expr, values('a', BETWEEN_VALUES));
  }
  add('between', `a ${not}BETWEEN b AND c`, [{}, { a: '5', b: '1', c: '10' }, { a: '5', b: '6', c: '10' }, { a: '5' }, { a: '5', b: 'x', c: '9' }]);
  add('between', `5 ${not}BETWEEN a AND 10`, values('a', ['1', '6', 'x']));
}
for (const bad of [
  'a BETWEEN 10 AND 1', "a BETWEEN 'a' AND 'z'", 'a BETWEEN NULL AND 5', 'a BETWEEN 1 AND NULL', 'a BETWEEN 1 AND TRUE',
  'a BETWEEN 1.5 AND 1', 'a BETWEEN 1', 'a BETWEEN 1 OR 2', 'a BETWEEN AND 2', "a BETWEEN 1 AND '5'",
  "a NOT BETWEEN 'a' AND 'z'", 'a NOT BETWEEN 1', 'a BETWEEN 3000000001 AND 3000000000', 'a BETWEEN 2 AND 1.5',
  'a NOT BETWEEN NULL AND 5', 'a BETWEEN (b = 1) AND 5', '(a > 1) BETWEEN 1 AND 5',
]) {
  add('between-error', bad, [{ a: '5' }]);
}

// ------------------------------------------------------------------------------------------- IN
const IN_VALUES = ['x', 'y', 'X', '', "it's", 'f', ' x', 'x '];
for (const list of ["('x')", "('x', 'y', 'z')", "('a', 'b', 'c', 'd', 'e', 'f')", "('')", "('it''s', 'x')", "('x','x')"]) {
  add('in', `a IN ${list}`, values('a', IN_VALUES));
  add('in', `a NOT IN ${list}`, values('a', IN_VALUES));
}
add('in', "(a) IN ('x')", values('a', ['x', 'y']));
add('in', "((a)) NOT IN ('x')", values('a', ['x', 'y']));
add('in', "NOT (a IN ('x'))", values('a', ['x', 'y']));
add('in', "NOT (a NOT IN ('x'))", values('a', ['x', 'y']));
add('in', "+a IN ('x')", values('a', ['x']));
for (const bad of [
  'a IN ()', 'a IN (1, 2)', "a IN ('x',)", "a IN 'x'", "5 IN ('5')", "'x' IN ('x')", "-a IN ('x')", "a IN ('x' 'y')",
  "NOT a IN ('x')", 'a IN (NULL)', "a IN ('x'", "a NOT IN 'x'", "a IN (b)", "(a = 'x') IN ('x')", "a IN ('x') IN ('y')",
]) {
  add('in-error', bad, [{ a: 'x' }]);
}

// ------------------------------------------------------------------------------------------- IS [NOT] NULL
for (const expr of [
  'a IS NULL', 'a IS NOT NULL', 'NULL IS NULL', 'NULL IS NOT NULL', "'x' IS NULL", '5 IS NOT NULL', 'TRUE IS NULL',
  "(a = 'x') IS NULL", "(a = 'x') IS NOT NULL", "a IS NULL OR a = 'x'", 'NOT a IS NULL', 'a IS NULL IS NULL',
  'a IS NULL = TRUE', '-a IS NULL', "a = 'x' IS NULL", 'a IS NULL NULL', 'a is null', 'a Is NoT nUlL',
  'a IS NOT NULL AND a <> \'\'', '(a) IS NULL', 'a IS /* c */ NULL',
]) {
  add('null', expr, values('a', ['x', '', 'NULL']));
}
for (const bad of ['a IS 5', 'a IS NOT 5', 'a IS', 'a IS NOT', 'a = NULL', 'a <> NULL', 'NULL = a', 'NULL = NULL', 'a IS NOT NOT NULL', 'a NOT NULL', 'a ISNULL']) {
  add('null-error', bad, [{ a: 'x' }]);
}

// ------------------------------------------------------------------------------------------- logic
// T: true, F: false, U: unknown (missing property), E: Java throws (a non-number compared with a number).
const OPERANDS = { T: "t = 't'", F: "t = 'x'", U: "u = 'x'", E: 'n > 5', TL: 'TRUE', FL: 'FALSE', NL: 'NULL' };
const LOGIC_PROPS = [{ t: 't', n: 'abc' }];
for (const [, x] of Object.entries(OPERANDS)) {
  add('logic-not', `NOT ${x.includes(' ') ? `(${x})` : x}`, LOGIC_PROPS);
  add('logic-not', `NOT NOT (${x})`, LOGIC_PROPS);
  for (const [, y] of Object.entries(OPERANDS)) {
    add('logic', `${x} AND ${y}`, LOGIC_PROPS);
    add('logic', `${x} OR ${y}`, LOGIC_PROPS);
  }
}
for (const expr of [
  "NOT (t = 't' AND u = 'x')", "NOT (t = 'x' OR u = 'x')", "t = 't' AND (u = 'x' OR t = 't')",
  "t = 'x' OR t = 't' AND u = 'x'", "(t = 'x' OR t = 't') AND u = 'x'", "t = 't' OR t = 't' AND n > 5",
  "(t = 't' OR n > 5) AND t = 't'", "u > -(n = 5)", "-(n = 5) > u", "u = -(n = 5)", "(n = 5) = (u = 'x')",
  "(n > 5) IS NULL", "(n > 5) IS NOT NULL", "u IS NULL OR n > 5", "n > 5 OR u IS NULL",
]) {
  add('logic-order', expr, [{ t: 't', n: 'abc' }, { t: 't', n: 'abc', u: '1' }, { t: 't', n: '7', u: 'x' }]);
}
// Bare properties used as conditions (a boolean cast: FALSE when present, unknown when missing).
for (const expr of ['a', 'NOT a', 'a AND TRUE', 'a OR TRUE', 'NOT a AND NOT b', '(a)', 'NOT (a)', 'a = TRUE OR a', '+a', 'NOT +a', 'a OR b']) {
  add('cast', expr, [{}, { a: 'true' }, { a: 'TRUE' }, { a: 'false' }, { a: 'true', b: 'true' }]);
}
for (const expr of ['TRUE', 'FALSE', 'NULL', 'NOT TRUE', 'NOT NULL', 'NULL OR TRUE', 'NULL AND FALSE', 'NULL AND TRUE', 'NULL OR FALSE', '(TRUE)', 'NOT (NOT FALSE)']) {
  add('logic-const', expr);
}
// NOT binds tighter than comparisons: "NOT a = 'x'" is "(NOT a) = 'x'".
for (const expr of ["NOT a = 'x'", "NOT a <> 'x'", "NOT a = TRUE", "NOT a = FALSE", "NOT (a = 'x')", "NOT a = b"]) {
  add('not-precedence', expr, [{}, { a: 'x' }, { a: 'y' }, { a: 'true', b: 'true' }]);
}
for (const bad of ['NOT a > 5', 'NOT a BETWEEN 1 AND 2', 'NOT 5', "NOT 'x'", 'NOT -a', 'NOT', 'a AND 5', "a OR 'x'", '5 AND a', 'NOT a NOT b']) {
  add('logic-error', bad, [{ a: 'x' }]);
}

// ------------------------------------------------------------------------------------------- CONTAINS & co (5.x)
const MATCH_VALUES = ['abcd', '', 'xyz', 'bc', 'ABCD'];
for (const op of ['CONTAINS', 'STARTSWITH', 'ENDSWITH']) {
  for (const search of ["'bc'", "'ab'", "'cd'", "''", "'abcd'", "'it''s'"]) {
    add('strmatch', `a ${op} ${search}`, values('a', MATCH_VALUES));
    add('strmatch', `a NOT ${op} ${search}`, values('a', MATCH_VALUES));
  }
  add('strmatch', `NOT (a ${op} 'x')`, values('a', ['x', 'y']));
  add('strmatch', `5 ${op} '5'`);
  add('strmatch', `'abc' ${op} 'b'`);
  add('strmatch', `(a = 'x') ${op} 'x'`, values('a', ['x']));
  add('strmatch', `(n = 5) ${op} ''`, [{ n: 'abc' }]);
  add('strmatch', `(n = 5) ${op} 'x'`, [{ n: 'abc' }]);
  add('strmatch', `a ${op.toLowerCase()} 'b'`, values('a', ['abc']));
  add('strmatch', `a ${op} 'b' AND b = 'y'`, [{ a: 'abc', b: 'y' }, { a: 'xyz', b: 'y' }]);
  add('strmatch', `${op.toLowerCase()} = 'x'`, [{ [op.toLowerCase()]: 'x' }]);
  add('strmatch', `${op.toLowerCase()} IS NULL`, [{}]);
  add('strmatch-error', `a ${op} b`, [{ a: 'x' }]);
  add('strmatch-error', `a ${op} 5`, [{ a: 'x' }]);
  add('strmatch-error', `a ${op}`, [{ a: 'x' }]);
  add('strmatch-error', `a NOT ${op} b`, [{ a: 'x' }]);
}
add('strmatch', "a CONTAINS 'b' CONTAINS 'c'", values('a', ['abc']));

// ------------------------------------------------------------------------------------------- literals
for (const expr of [
  "a = 'it''s'", "a = ''''", "a = ''", "a = 'multi\nline'", "a = '\u00e9'", "a = '\u65e5\u672c'", "a = '\ud83d\ude00'",
  "a = 'tab\there'", "a = '--not a comment'", "a = '/* nor this */'", "a = 'a''b''c'",
]) {
  add('string', expr, values('a', ["it's", "'", '', 'multi\nline', '\u00e9', '\u65e5\u672c', '\ud83d\ude00', 'tab\there', '--not a comment', '/* nor this */', "a'b'c"]));
}
for (const expr of [
  'a = 1L', 'a = 1l', 'a = 0', 'a = 00', 'a = 007', 'a = 0L', 'a = 2147483647L', 'a = 1.5', 'a = .5', 'a = 5.', 'a = 1e3',
  'a = 1E+3', 'a = 1.5e-3', 'a = 1e03', 'a = 4.9e-324', 'a = 1.7976931348623157e308', 'a = - 5', 'a = +5', 'a = - -5',
  'a = -(5)', "a = -'5'", 'a = -a', "a = +'x'", 'a = -TRUE', 'a = 5e', 'a = 1.5L', 'a = 1.5.5', 'a = 0x10', 'a = 1a',
  'a = 3000000000L', 'a = -2147483648', 'a = - 2147483648', 'a = 007.5', 'a = 05e1', 'a = 1.e2',
]) {
  add('number', expr, values('a', ['1', '0', '5', '-5', '1.5', '1000', '0.0015', '7.5', 'x']));
}
for (const bad of [
  'a = 9223372036854775808', 'a = -9223372036854775808', 'a = 0.0', 'a = 0e0', 'a = 0.', 'a = .0', 'a = 1e400', 'a = 1e-400',
  'a = 1.8e308', 'a = 2e-324', 'a = 99999999999999999999L', 'a = .', 'a = 1..', "a = 'unterminated", "a = 'x''",
]) {
  add('number-error', bad, [{ a: '1' }]);
}

// ------------------------------------------------------------------------------------------- case, whitespace, comments
for (const expr of [
  "a = 'x' and b = 'y'", "a = 'x' AnD b = 'y'", "a = 'x' oR b = 'y'", "A = 'x'", "a = 'X'", 'a between 1 and 5',
  "a not in ('x')", "a NoT iN ('x')", 'true', 'TrUe', 'fAlSe', 'nUlL IS nULL', "\ta\n=\r'x'\f", "a='x'AND b='y'",
  'a=1AND b=2', "a = 'x'AND(b = 'y')", "/* c */ a = 'x'", "a = 'x' -- trailing", "a = 'x' --c\n AND b = 'y'",
  "a = 'x' --c\r\n AND b = 'y'", "a = 'x' --c\r AND b = 'y'", "a /* x */ = 'x'", "a = /**/'x'", "a = 'x' /*** ***/ AND b = 'y'",
  "-- only a comment\na = 'x'", "--\na = 'x'", "a = 'x'\n", "  a = 'x'  ", "a\u000b= 'x'", "a\u00a0= 'x'", "a =\u3000'x'",
  "$a = 'x'", "_a = 'x'", "a1 = 'x'", "a$b_c9 = 'x'", "a_ = 'x'", 'TAGS = \'x\'', "Tags = 'x'",
]) {
  add('lexical', expr, [{}, { a: 'x', b: 'y' }, { a: 'x', b: 'z' }, { A: 'x', $a: 'x', _a: 'x', a1: 'x', a$b_c9: 'x', a_: 'x', TAGS: 'x' }, { a: 'X', Tags: 'x' }]);
}

// ------------------------------------------------------------------------------------------- trailing input and malformed
// SelectorParser stops after a complete expression without requiring end of input: what follows is ignored if
// it lexes (JavaCC reads one token past the end), and fails if that token does not lex.
for (const expr of [
  "a = 'x' b", "a = 'x' )", "a = 'x' ) (", "a = 'x' b = 'y'", "a = 'x' 'y'", 'a = 1 99999999999999999999', "a = 'x' LIKE 'y'",
  "a LIKE 'x%'", 'a-b = 1', "a = 'x' @", "a = 'x' ;", "a = 'x' 'unterminated", "a = 'x' /* unterminated", "a = 'x' /* closed */ garbage",
  "a IN ('x') garbage", "a = 'x' AND", "a = 'x' OR", "a = 'x' &&  b = 'y'", "a = 'x' || b = 'y'", "a = 'x' b @",
  "a = 'x' NOT", "a = 'x' NOT b", "a = 'x' NOT @", "a = 'x' IS", "a = 'x' IS 5", "a = 'x' IS @", "a = 'x' -", "a = 'x' - @",
  "a = 'x' .", "a = 'x' 1.", "a = 'x' .5", "a = 'x' 0.0", "a = 'x' 1e400", "a = 'x' \"y\"", "a = 'x' !",
]) {
  add('trailing', expr, [{ a: 'x' }, { a: 'y' }]);
}
for (const bad of [
  '', '   ', '=', 'a =', '= \'x\'', "a == 'x'", "a != 'x'", "a === 'x'", "(a = 'x'", "((a = 'x')", "AND a = 'x'",
  "a = 'x' OR OR b = 'y'", 'a = "x"', "a > 'x'", 'a > TRUE', 'a > NULL', "'1' > '0'", 'TRUE = 1', "FALSE = 'x'", '5',
  "'x'", '-a', '1a = 1', 'a.b = 1', "a = 'x' AND (b = 'y'", 'a > 5 > 3', "a NOT = 'x'", '()', "(a = 'x')) (",
  "a = 'x' AND b", "a = ('x')", "a = 'x' AND ()", "a IN ('x') AND", '@', 'a @ 1', "a <> = 'x'", "a < > 'x'", 'a >< 1',
  "a = 'x' AND NOT", "a = 'x' OR 5", 'NULL', '-5 > a', "\u0131 = 'x'", "\u00e9 = 'x'", "a = 'x' /* unterminated comment",
  "/* x", '-- only a comment', "a = \u2018x\u2019",
]) {
  add('malformed', bad, [{ a: 'x' }]);
}

// ------------------------------------------------------------------------------------------- realistic
const MESSAGES = [
  {}, { TAGS: 'TagA', KEYS: 'k1', a: '3', b: 'hello' }, { TAGS: 'TagB', a: '11', region: 'eu-west' },
  { TAGS: 'TagC', KEYS: 'k1 k2', a: 'x', price: '19.99', qty: '3' }, { TAGS: '', price: '100', qty: '-1', region: 'us' },
];
for (const expr of [
  "TAGS = 'TagA'", "TAGS IN ('TagA', 'TagB')", 'KEYS IS NOT NULL', "TAGS <> 'TagA' OR KEYS = 'k1'",
  "TAGS IS NOT NULL AND TAGS IN ('TagA', 'TagB') AND a BETWEEN 0 AND 10", "(TAGS = 'TagA' OR TAGS = 'TagC') AND a > 1",
  'price > 10.5 AND qty >= 1', "region STARTSWITH 'eu'", "region NOT STARTSWITH 'eu'", "NOT (TAGS IN ('TagA'))",
  'a > 5 OR price < 50', 'price BETWEEN 10 AND 200', 'qty < 0 OR qty IS NULL', "TAGS = '' OR TAGS IS NULL",
]) {
  add('realistic', expr, MESSAGES);
}

// ------------------------------------------------------------------------------------------- seeded fuzz
const FUZZ = Number(process.env.SQL92_FUZZ ?? 150);

/** mulberry32: a small deterministic PRNG, so the fuzz cases are the same on every run. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fuzzGrammar(count) {
  const rnd = prng(92);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const chance = (p) => rnd() < p;
  const kw = (w) => (chance(0.2) ? w.toLowerCase() : w);
  const not = () => (chance(0.3) ? kw('NOT') + ' ' : '');
  const PROPS = ['a', 'b', 'c'];
  const STR = ["'x'", "'5'", "''", "'abc'", "'true'", "'it''s'", "'1.5'", "'NaN'"];
  const NUM = ['0', '1', '5', '10', '2147483648', '3000000000', '9223372036854775807', '1.5', '.5', '5.', '1e3', '2.5e-1', '0.0', '7L', '007', '99999999999999999999'];
  const VALS = [undefined, undefined, 'x', '5', '0', '1', '10', '-1', 'abc', '', 'true', '1.5', '3000000000', 'NaN', ' 5', '\u0663', "it's", '9223372036854775807', '.5', '1e3'];
  const JUNK = ['(', ')', ',', 'AND', 'NOT', 'x', "'", '@', '--', '/*', '*/', '.', '-', '=', 'IS', 'IN', '1', "'q'", '\n'];
  function operand(d) {
    const r = rnd();
    if (r < 0.35) return pick(PROPS);
    if (r < 0.55) return pick(NUM);
    if (r < 0.68) return pick(STR);
    if (r < 0.73) return kw(pick(['TRUE', 'FALSE', 'NULL']));
    if (r < 0.83) return '-' + (chance(0.3) ? ' ' : '') + operand(d + 1);
    if (r < 0.87) return '+' + operand(d + 1);
    return d < 3 ? '(' + cond(d + 1) + ')' : pick(PROPS);
  }
  function cond(d) {
    const r = rnd();
    if (d > 3 || r < 0.3) return `${operand(d)} ${pick(['=', '<>', '>', '>=', '<', '<='])} ${operand(d)}`;
    if (r < 0.4) return `${operand(d)} ${not()}${kw('BETWEEN')} ${operand(d)} ${kw('AND')} ${operand(d)}`;
    if (r < 0.5) {
      const list = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(STR));
      return `${chance(0.8) ? pick(PROPS) : operand(d)} ${not()}${kw('IN')} (${list.join(', ')})`;
    }
    if (r < 0.57) return `${operand(d)} ${kw('IS')} ${chance(0.5) ? kw('NOT') + ' ' : ''}${kw('NULL')}`;
    if (r < 0.63) return `${operand(d)} ${not()}${kw(pick(['CONTAINS', 'STARTSWITH', 'ENDSWITH']))} ${chance(0.9) ? pick(STR) : operand(d)}`;
    if (r < 0.75) return `${cond(d + 1)} ${kw('AND')} ${cond(d + 1)}`;
    if (r < 0.85) return `${cond(d + 1)} ${kw('OR')} ${cond(d + 1)}`;
    if (r < 0.92) return `${kw('NOT')} ${chance(0.6) ? '(' + cond(d + 1) + ')' : operand(d)}`;
    return r < 0.96 ? pick(PROPS) : '(' + cond(d + 1) + ')';
  }
  /** Deletes, inserts or repeats one piece, to reach the parser's error paths. */
  function mutate(e) {
    const parts = e.split(/(\s+)/);
    const i = Math.floor(rnd() * parts.length);
    const r = rnd();
    if (r < 0.3) parts.splice(i, 1);
    else if (r < 0.6) parts.splice(i, 0, pick(JUNK));
    else parts.splice(i, 0, parts[Math.floor(rnd() * parts.length)]);
    return parts.join('');
  }
  for (let k = 0; k < count; k++) {
    let e = cond(0);
    if (chance(0.25)) e = mutate(e);
    if (chance(0.1)) e = mutate(e);
    const maps = [0, 1].map(() => {
      const p = {};
      for (const n of PROPS) {
        const v = pick(VALS);
        if (v !== undefined) p[n] = v;
      }
      return p;
    });
    add('fuzz', e, maps);
  }
}

/** Character soup: short strings of tokens and token fragments, mostly for the lexer and the trailing-input rule. */
function fuzzLexer(count) {
  const rnd = prng(7);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const ATOMS = ['a', 'b', '1', '0', '5', '.', 'e', 'E', '+', '-', "'", "''", '/', '*', '\n', '\r', ' ', ' ', ' ', '(', ')', '<', '>', '=', 'L', 'l', 'x', ',', 'NOT ', 'AND ', 'OR ', 'IN ', 'IS ', 'NULL ', 'BETWEEN ', 'TRUE', '$', '_', '9', '@', '\t', 'CONTAINS ', "'s'", '--', '/*', '*/'];
  for (let k = 0; k < count; k++) {
    let e = '';
    for (let n = 1 + Math.floor(rnd() * 14); n > 0; n--) e += pick(ATOMS);
    add('fuzz-lexer', e, [{ a: pick(['1', 'x', '5', 'true']), b: pick(['1', '0.5', "'"]) }]);
  }
}

fuzzGrammar(FUZZ);
fuzzLexer(FUZZ);

process.stdout.write(
  JSON.stringify(
    { about: 'SQL92 filter cases; answers in expected-<version>.json (see generate.sh)', count: cases.length, cases },
    null,
    0,
  ).replace('"cases":[', '"cases":[\n') .replace(/\},\{"id"/g, '},\n{"id"') + '\n',
);
